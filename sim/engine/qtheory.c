/*
** Exact queueing-theory results for validating the simulator.
**
** Open single-station queues, rho = lambda E[S] / c < 1 (Kleinrock,
** Queueing Systems vol. 1, ch. 3 and 5; vol. 2, ch. 4 for PS):
**
**   M/M/1     R = 1 / (mu - lambda),  L = rho / (1 - rho)
**   M/G/1     W = lambda E[S^2] / (2 (1 - rho))   (Pollaczek-Khinchine)
**             with E[S^2] = (1 + scv) E[S]^2, R = W + E[S]
**   M/G/1-PS  R = E[S] / (1 - rho), and x / (1 - rho) for a job of size x;
**             both hold for any service distribution (insensitivity)
**   M/M/c     Erlang B by B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)),
**             a = lambda / mu; Erlang C = B / (1 - rho (1 - B));
**             W = C / (c mu - lambda), R = W + 1 / mu
**
** The Erlang B recursion keeps every step in (0, 1]; the textbook sum of
** a^k / k! overflows near c = 170 and cancels badly before that.
** Little's law, L = lambda R and Lq = lambda W, gives the rest.
**
** Closed networks: exact single-class Mean Value Analysis (Reiser and
** Lavenberg, JACM 27(2), 1980; Lazowska, Zahorjan, Graham and Sevcik,
** Quantitative System Performance, 1984, ch. 6), for m = 1..N:
**
**   R_k(m) = D_k (1 + Q_k(m - 1))       arrival theorem
**   X(m)   = m / (Z + sum_k R_k(m))     response time law
**   Q_k(m) = X(m) R_k(m)                Little's law
**
** One station of c servers (rate min(j, c) / S with j users) uses the
** load-dependent MVA over marginal probabilities (QSP ch. 20):
**
**   R(m)      = sum_{j=1..m} j S / min(j, c) p(j - 1 | m - 1)
**   X(m)      = m / (Z + R(m))
**   p(j | m)  = X(m) S / min(j, c) p(j - 1 | m - 1),   j = 1..m
**
** The textbook closes with p(0 | m) = 1 - sum_j p(j | m), which cancels
** once the station saturates, and the error is then multiplied by up to
** about c^c / c! on its way back up: with c = 16, N = 480, Z = 20 S
** the throughput comes out negative (Casale and Serazzi, "Stabilization
** techniques for load-dependent queueing networks algorithms", 2005,
** survey this).  Here the think station is treated as the load-dependent
** station it is, rate i / Z with i users thinking, and "nobody at the
** CPUs" is "all m thinking", so
**
**   p(0 | m) = X(m) Z / m p(0 | m - 1)
**
** with only products of positive numbers.  Product form makes these
** results exact for PS stations and think times of any distribution, and
** for FCFS stations with exponential service.
**
** The response-time distribution of the machine repairman (N users, think
** Z, one FCFS exponential server of mean S: M/M/1//N, Kleinrock vol. 1
** sec. 3.8).
** By the arrival theorem (Sevcik and Mitrani, JACM 28(2), 1981) a job
** arriving at the server finds the others in the stationary state of the
** N - 1 user system,
**
**   pi_M(k) = pi_M(0) M! / (M - k)! (S / Z)^k,   k = 0..M,  M = N - 1,
**
** and, service being memoryless and FCFS, waits for k + 1 exponential
** services: an Erlang(k + 1, S) response.  So
**
**   P(R <= t) = sum_k pi_M(k) P(Erlang(k + 1, S) <= t)
**
** with the Erlang CDF from GSL's regularised incomplete gamma.  The
** weights are summed in logarithms (M! / (M - k)! overflows at k ~ 170)
** and scaled by the largest.  pi_N is increasing in N in likelihood-ratio
** order (pi(k) / pi(k - 1) = (M - k + 1) S / Z grows with M), so P(R <= t)
** falls with N and the QoS capacity is found by bisection.
*/
#include "sim/engine/qtheory.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>

/* A rate or time that must be finite and >= 0 (false for NaN). */
static int nonneg(double x)
{
	return x >= 0 && isfinite(x);
}

static int positive(double x)
{
	return x > 0 && isfinite(x);
}

int qt_mm1(double lambda, double mu, struct qt_result *r)
{
	double rho;

	if (!r || !nonneg(lambda) || !positive(mu) || lambda >= mu)
		return -1;
	rho = lambda / mu;
	r->rho = rho;
	r->pw = rho;
	r->R = 1.0 / (mu - lambda);
	r->W = rho / (mu - lambda);
	r->L = lambda * r->R;
	r->Lq = lambda * r->W;
	return 0;
}

int qt_mg1_fcfs(double lambda, double mean_s, double scv_s, struct qt_result *r)
{
	double rho;

	if (!r || !nonneg(lambda) || !positive(mean_s) || !nonneg(scv_s))
		return -1;
	rho = lambda * mean_s;
	if (!(rho < 1))
		return -1;
	r->rho = rho;
	r->pw = rho;
	/* lambda E[S^2] / 2 = rho (1 + scv) E[S] / 2: the mean residual work
	** found on arrival (PASTA). */
	r->W = rho * (1 + scv_s) * mean_s / (2 * (1 - rho));
	r->R = r->W + mean_s;
	r->L = lambda * r->R;
	r->Lq = lambda * r->W;
	return 0;
}

int qt_mg1_ps(double lambda, double mean_s, struct qt_result *r)
{
	double rho;

	if (!r || !nonneg(lambda) || !positive(mean_s))
		return -1;
	rho = lambda * mean_s;
	if (!(rho < 1))
		return -1;
	r->rho = rho;
	r->pw = rho;
	r->R = mean_s / (1 - rho);
	r->W = r->R - mean_s;
	r->L = rho / (1 - rho);
	r->Lq = lambda * r->W;
	return 0;
}

int qt_mg1_ps_cond(double lambda, double mean_s, double x, double *t)
{
	double rho;

	if (!t || !nonneg(lambda) || !positive(mean_s) || !nonneg(x))
		return -1;
	rho = lambda * mean_s;
	if (!(rho < 1))
		return -1;
	*t = x / (1 - rho);
	return 0;
}

int qt_mmc(double lambda, double mu, int c, struct qt_result *r)
{
	double a, rho, b = 1.0, pw;
	int k;

	if (!r || !nonneg(lambda) || !positive(mu) || c < 1)
		return -1;
	a = lambda / mu;
	rho = a / c;
	if (!(rho < 1))
		return -1;
	for (k = 1; k <= c; k++)
		b = a * b / (k + a * b);
	pw = b / (1 - rho * (1 - b));

	r->rho = rho;
	r->pw = pw;
	r->W = pw / (c * mu - lambda);
	r->R = r->W + 1.0 / mu;
	r->L = lambda * r->R;
	r->Lq = lambda * r->W;
	return 0;
}

int qt_mva_closed(int n, double z, const double *d, int k,
		  struct qt_mva *res, double *q)
{
	double *qk = q, x = 0, rt = 0, dsum = 0;
	int i, m;

	if (!res || n < 0 || k < 0 || (k > 0 && !d) || !nonneg(z))
		return -1;
	for (i = 0; i < k; i++) {
		if (!nonneg(d[i]))
			return -1;
		dsum += d[i];
	}
	if (z == 0 && dsum == 0)
		return -1;
	if (!qk && k > 0) {
		qk = malloc((size_t)k * sizeof(*qk));
		if (!qk)
			return -1;
	}

	for (i = 0; i < k; i++)
		qk[i] = 0;
	for (m = 1; m <= n; m++) {
		rt = 0;
		for (i = 0; i < k; i++)
			rt += d[i] * (1 + qk[i]);
		x = m / (z + rt);
		for (i = 0; i < k; i++)
			qk[i] = x * d[i] * (1 + qk[i]);
	}

	res->X = x;
	res->R = rt;
	res->L = x * rt;
	if (qk != q)
		free(qk);
	return 0;
}

int qt_mva_multiserver(int n, double z, int c, double s,
		       struct qt_mva *res, double *p)
{
	double *pj = p, x = 0, rt = 0, sum;
	int j, m;

	if (!res || n < 0 || c < 1 || !nonneg(z) || !nonneg(s) ||
	    (z == 0 && s == 0))
		return -1;
	if (!pj) {
		pj = malloc(((size_t)n + 1) * sizeof(*pj));
		if (!pj)
			return -1;
	}

	pj[0] = 1;
	for (m = 1; m <= n; m++) {
		/* The arriving user sees the m - 1 others in equilibrium and
		** is served at rate min(j, c) / s once j users are present. */
		rt = 0;
		for (j = 1; j <= m; j++)
			rt += (j <= c ? s : j * s / c) * pj[j - 1];
		x = m / (z + rt);
		for (j = m; j >= 1; j--)
			pj[j] = x * s / (j <= c ? j : c) * pj[j - 1];
		pj[0] *= x * z / m;
		/* Exact arithmetic sums to 1 already; this stops rounding drift. */
		sum = 0;
		for (j = 0; j <= m; j++)
			sum += pj[j];
		for (j = 0; j <= m; j++)
			pj[j] /= sum;
	}

	res->X = x;
	res->R = rt;
	res->L = x * rt;
	if (pj != p)
		free(pj);
	return 0;
}

int qt_repairman_cdf(int n, double z, double s, double t, double *p)
{
	int m = n - 1;
	double *lw, top = -INFINITY, norm = 0, acc = 0;

	if (!p || n < 1 || !nonneg(z) || !positive(s) || isnan(t))
		return -1;
	if (t <= 0) {
		*p = 0;
		return 0;
	}
	if (z == 0) {
		/* nobody thinks: every job waits for the other n - 1 */
		*p = gsl_cdf_gamma_P(t, n, s);
		return 0;
	}
	lw = malloc(((size_t)m + 1) * sizeof(*lw));
	if (!lw)
		return -1;
	for (int k = 0; k <= m; k++) {
		lw[k] = lgamma(m + 1.0) - lgamma(m - k + 1.0) + k * log(s / z);
		if (lw[k] > top)
			top = lw[k];
	}
	for (int k = 0; k <= m; k++) {
		double wk = exp(lw[k] - top);
		norm += wk;
		if (wk > 1e-300)
			acc += wk * gsl_cdf_gamma_P(t, k + 1.0, s);
	}
	free(lw);
	*p = acc / norm;
	return 0;
}

/* Both QoS shares met by n users; -1 on error. */
static int repairman_pass(int n, double z, double s, double t_good, double good,
			  double t_tol, double tol)
{
	double pg, pt;

	if (qt_repairman_cdf(n, z, s, t_good, &pg) || qt_repairman_cdf(n, z, s, t_tol, &pt))
		return -1;
	return pg >= good && pt >= tol;
}

int qt_repairman_capacity(double z, double s, double t_good, double good,
			  double t_tol, double tol, int nmax, int *n)
{
	int lo = 0, hi, ok;

	if (!n || nmax < 1 || !nonneg(z) || !positive(s) || !nonneg(t_good) ||
	    !nonneg(t_tol) || !(good >= 0 && good <= 1) || !(tol >= 0 && tol <= 1))
		return -1;
	/* invariant: lo passes (or is 0), hi fails */
	ok = repairman_pass(nmax, z, s, t_good, good, t_tol, tol);
	if (ok < 0)
		return -1;
	if (ok) {
		*n = nmax;
		return 0;
	}
	hi = nmax;   /* fails */
	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;
		ok = repairman_pass(mid, z, s, t_good, good, t_tol, tol);
		if (ok < 0)
			return -1;
		if (ok)
			lo = mid;
		else
			hi = mid;
	}
	*n = lo;
	return 0;
}
