/*
** Exact queueing-theory results, the reference values that simulator
** runs are validated against (see qtheory.c for formulas and sources).
**
** Time units are the caller's: rates and times only have to agree (per
** second and seconds, or per ns and ns).  Every function returns 0, or
** -1 without touching the outputs when a parameter is out of range
** (negative, NaN, infinite, zero servers) or the queue is unstable.
*/
#ifndef HVSIM_QTHEORY_H
#define HVSIM_QTHEORY_H

/* Steady state of an open single-station queue. */
struct qt_result {
	double rho;	/* utilisation of one server, lambda E[S] / c */
	double pw;	/* probability that an arrival finds all servers busy */
	double L;	/* mean number in system (waiting and in service) */
	double Lq;	/* mean number waiting */
	double R;	/* mean response (sojourn) time */
	double W;	/* mean waiting time, R - E[S] */
};

/* M/M/1 FCFS: arrival rate lambda, service rate mu. */
int qt_mm1(double lambda, double mu, struct qt_result *r);

/* M/G/1 FCFS: Poisson arrivals, service with mean mean_s and squared
** coefficient of variation scv_s = Var[S] / E[S]^2 (0 gives M/D/1,
** 1 gives M/M/1). */
int qt_mg1_fcfs(double lambda, double mean_s, double scv_s, struct qt_result *r);

/* M/G/1 processor sharing (any service distribution with mean mean_s).
** W is the slowdown R - E[S]; pw is rho, the chance the CPU is shared. */
int qt_mg1_ps(double lambda, double mean_s, struct qt_result *r);

/* M/G/1-PS mean response time of a job of size x: x / (1 - rho). */
int qt_mg1_ps_cond(double lambda, double mean_s, double x, double *t);

/* M/M/c FCFS: c servers of rate mu each; pw is Erlang C. */
int qt_mmc(double lambda, double mu, int c, struct qt_result *r);

/* Steady state of a closed network at population n. */
struct qt_mva {
	double X;	/* throughput: completions per unit time */
	double R;	/* response time at the stations, think time excluded */
	double L;	/* mean number at the stations, n - X Z */
};

/*
** Exact single-class MVA: n users, think time z (a delay station), k
** single-server load-independent stations (FCFS with exponential service,
** or PS) with service demands d[0..k-1] (visits times service time).
** q, if not NULL, receives the k mean queue lengths (in service plus
** waiting).  n = 0 gives all zeros.  Fails when z and every demand are 0.
*/
int qt_mva_closed(int n, double z, const double *d, int k,
		  struct qt_mva *res, double *q);

/*
** Exact MVA for n users with think time z sharing one station of c
** identical servers, each with mean service time s (a c-CPU machine:
** service rate min(j, c) / s with j users present).  p, if not NULL,
** receives the n + 1 marginal probabilities p[j] that j users are at the
** station.  Cost O(n^2) time, O(n) memory.
*/
int qt_mva_multiserver(int n, double z, int c, double s,
		       struct qt_mva *res, double *p);

/*
** The closed "machine repairman" system (M/M/1//N): n users with think
** time of mean z (any distribution: the delay station is insensitive)
** and one FCFS server with exponential service of mean s.  *p receives
** P(R <= t), the distribution of one job's response time (queueing plus
** service, think time excluded).  Cost O(n) incomplete-gamma calls.
*/
int qt_repairman_cdf(int n, double z, double s, double t, double *p);

/*
** The capacity the QoS rule allows in that system: the largest n in
** 1..nmax with P(R <= t_good) >= good and P(R <= t_tol) >= tol (*n = 0
** when even one user fails, nmax when nmax passes).  Cost O(nmax log nmax).
*/
int qt_repairman_capacity(double z, double s, double t_good, double good,
			  double t_tol, double tol, int nmax, int *n);

#endif
