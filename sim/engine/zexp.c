/*
** Ziggurat for the exponential density f(x) = exp(-x), x >= 0 (zexp.h).
**
** N = 256 layers of equal area V cover the density: layer 0 is the
** rectangle [0, R] x [0, f(R)] with the tail beyond R (area
** R f(R) + f(R) = V, drawn as if it were [0, V / f(R)] wide); layer i
** (1 <= i < N) is [0, x_i] x [f(x_i), f(x_{i+1})] with x_1 = R,
** x_{i+1} = f^-1(f(x_i) + V / x_i) and x_N = 0.  A try picks a layer
** uniformly and a point x uniform across its width:
**   - x below the next layer's edge (x < x_{i+1}; in layer 0, x < R) lies
**     wholly under the curve: accept (the common case, ~98.9%);
**   - layer 0 beyond R: the tail, R + an exponential (memoryless), drawn
**     by the logarithm;
**   - otherwise a height y uniform in the layer: accept if y < f(x), else
**     try again.
** Every accepted x has the density f exactly (rejection from a cover of
** equal-area pieces); the only approximation is the 32-bit resolution of
** the uniforms, the same as gsl_ran_exponential's.  R and V for N = 256
** are Marsaglia and Tsang's; the edges are computed once from them.
*/
#include "sim/engine/zexp.h"

#include <math.h>

#define ZN 256
#define ZR 7.69711747013104972
#define ZV 0.0039496598225815571993

static double xe[ZN + 1];   /* xe[0] = V / f(R), xe[i] = x_i, xe[N] = 0 */
static double fe[ZN + 1];   /* f(xe[i]) (fe[0] = f(R), unused) */
static int ready;

static void build(void)
{
	xe[0] = ZV / exp(-ZR);
	xe[1] = ZR;
	for (int i = 1; i < ZN - 1; i++)
		xe[i + 1] = -log(exp(-xe[i]) + ZV / xe[i]);
	xe[ZN] = 0;
	for (int i = 0; i <= ZN; i++)
		fe[i] = exp(-xe[i]);
	fe[0] = exp(-ZR);
	ready = 1;
}

double zexp(struct mt19937 *r)
{
	if (!ready)
		build();
	for (;;) {
		int i = (int)(mt_get(r) & (ZN - 1));
		double x = mt_uniform(r) * xe[i];
		if (x < xe[i + 1])
			return x;
		if (i == 0)   /* beyond R: the tail */
			return ZR - log1p(-mt_uniform(r));
		double y = fe[i] + mt_uniform(r) * (fe[i + 1] - fe[i]);
		if (y < exp(-x))
			return x;
	}
}
