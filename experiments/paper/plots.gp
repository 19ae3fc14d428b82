# Plots of experiments/paper/run.sh, run in its output directory (data/*.dat).
set terminal svg size 720,480 dynamic font "sans,12"
set key below horizontal
set grid ytics

# Figs. 1-2: one VM against native (the paper: KVM 0.26 best, VirtualBox 0.20 worst)
set output "fig1-2.svg"
set title "One VM against native Linux with the same CPUs and 1.5 GB (Figs. 1-2)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "SPECweb2005 sessions / native's"
set yrange [0:*]
# the paper's values labelled on the axis, where the dashed lines meet it
set ytics add ("0.26 paper KVM" 0.26, "0.20 paper VBox" 0.20)
plot "data/fig1-2.dat" using 2:xtic(1) title "1 VCPU", "" using 3 title "2 VCPUs", \
     0.26 with lines dt 2 lc rgb "black" title "paper: KVM 1 VCPU (0.26)", \
     0.20 with lines dt 3 lc rgb "gray40" title "paper: VirtualBox (0.20)"

# Figs. 3-4: cumulative sessions as VMs are added, with 95% intervals
# (data: VMs, then value, low, high for KVM, Xen, VirtualBox; "?" is a
# point that failed: a gap).  The key sits below the plot and the notes
# (note: how the points were searched; gap: why a point is missing)
# under the title, both off the data.
if (!exists("note")) note = ""
if (!exists("gap")) gap = ""
set datafile missing "?"
set style data linespoints
set xlabel "VMs"
set ylabel "cumulative sessions meeting QoS"
set xrange [0.5:10.5]
set xtics 1
set yrange [0:*]
set offsets 0, 0, 200, 0
set key below horizontal
set terminal svg size 720,540 dynamic font "sans,12"
sub = (note eq "" ? "" : "\n{/=9 " . note . "}") . (gap eq "" ? "" : "\n{/=9 " . gap . "}")
set output "fig3.svg"
set ytics autofreq
set ytics add ("1200 paper" 1200)
set title "Fig. 3: KVM and Xen with 2 VCPUs a VM, VirtualBox with 1" . sub
plot "data/fig3.dat" using 1:2:3:4 with yerrorlines title "KVM-75 (2 VCPUs)" pt 7, \
     "" using 1:5:6:7 with yerrorlines title "Xen 3.3.0 (2 VCPUs)" pt 5, \
     "" using 1:8:9:10 with yerrorlines title "VirtualBox 2.0.6 (1 VCPU)" pt 9, \
     1200 with lines dt 2 lc rgb "black" title "paper: KVM's best, 1200"
set output "fig4.svg"
set ytics autofreq
set title "Fig. 4: every VM with 1 VCPU" . sub
plot "data/fig4.dat" using 1:2:3:4 with yerrorlines title "KVM-75" pt 7, \
     "" using 1:5:6:7 with yerrorlines title "Xen 3.3.0" pt 5, \
     "" using 1:8:9:10 with yerrorlines title "VirtualBox 2.0.6" pt 9
set datafile missing

# Figs. 5-7: microbenchmarks at 1, 5, 10 VMs, normalised to native
set output "micro.svg"
set terminal svg size 1080,400 dynamic font "sans,11"
set multiplot layout 1,3 title "Figs. 5-7: microbenchmarks per VM, relative to native (above 1: faster)"
set style data histograms
set style histogram clustered gap 1
set xlabel "VMs"
set xrange [*:*]
set ylabel "per VM / native"
unset title
set offsets 0, 0, 0, 0
set key below horizontal
set title "bzip2 (1/time)"
plot "data/bzip2.dat" using 2:xtic(1) title "KVM", "" using 3 title "Xen", "" using 4 title "VirtualBox"
set title "netperf (Mbit/s)"
plot "data/netperf.dat" using 2:xtic(1) title "KVM", "" using 3 title "Xen", "" using 4 title "VirtualBox"
set title "dd (MB/s)"
plot "data/dd.dat" using 2:xtic(1) title "KVM", "" using 3 title "Xen", "" using 4 title "VirtualBox"
unset multiplot
