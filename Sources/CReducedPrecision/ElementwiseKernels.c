// See CElementwiseKernels.h. The AVX-512 code carries its instruction set as a function attribute,
// so the file compiles for baseline x86-64 (and arm64, where only the detection remains).
#include "CElementwiseKernels.h"

#include <math.h>
#include <stdlib.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define CK_X86 1
#define CK_TARGET_AVX512 __attribute__((target("avx512f")))
#else
#define CK_X86 0
#endif

static int avx512f_detected(void) {
#if CK_X86
    // CLIPKIT_PORTABLE_KERNELS=1 takes the portable paths, as for the reduced-precision kernels.
    const char *portable = getenv("CLIPKIT_PORTABLE_KERNELS");
    if (portable != NULL && portable[0] == '1') return 0;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
#else
    return 0;
#endif
}

int ck_cpu_has_avx512f(void) {
    static int cached = -1;
    if (cached < 0) cached = avx512f_detected();
    return cached;
}

#if CK_X86
/// A mask of the first `count` lanes (all sixteen when count ≥ 16).
static inline __mmask16 ck_lanes(int count) {
    return count >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << count) - 1u);
}

/// The shared core of `ck_exp16` for inputs already in [−104, 88.8] or NaN, with `representable`
/// the lanes whose result is not 0.
CK_TARGET_AVX512 static inline __m512 ck_exp16_core(__m512 clamped, __mmask16 representable) {
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(clamped, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693145751953125f), clamped);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(1.428606765330187e-06f), r);
    __m512 p = _mm512_set1_ps(0.0013836845755577087f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.008374815806746483f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.04166822507977486f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.16666419804096222f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.49999991059303284f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    return _mm512_maskz_scalef_ps(representable, p, n);
}

/// eˣ on sixteen lanes: n = round(x·log₂e), r = x − n·ln2 in two parts (|r| ≤ ln2/2), eʳ by a
/// degree-6 polynomial fitted to relative error 1.9e-9 on that interval (our own weighted
/// least-squares fit), then eˣ = eʳ·2ⁿ by vscalefps, which also yields +∞ and subnormals exactly.
/// Inputs are clamped to [−104, 88.8] first (max/min ordered so NaN passes through) and lanes
/// below −104 return 0.
CK_TARGET_AVX512 static inline __m512 ck_exp16(__m512 x) {
    const __m512 low = _mm512_set1_ps(-104.0f), high = _mm512_set1_ps(88.8f);
    __m512 clamped = _mm512_min_ps(high, _mm512_max_ps(low, x));  // returns x's NaN
    return ck_exp16_core(clamped, _mm512_cmp_ps_mask(x, low, _CMP_NLT_UQ));  // x ≥ −104 or NaN
}

/// eˣ for x ≤ 0 (or NaN), as softmax and the Gaussian need: no clamping, since lanes below −104
/// (including −∞, whose reduction is NaN) are set to 0 by the mask.
CK_TARGET_AVX512 static inline __m512 ck_exp16_nonpositive(__m512 x) {
    return ck_exp16_core(x, _mm512_cmp_ps_mask(x, _mm512_set1_ps(-104.0f), _CMP_NLT_UQ));
}

/// Φ(x) = ½(1 + erf(x/√2)) on sixteen lanes, erf(z) = 1 − t·P(t)·e^(−z²), t = 1/(1 + 0.3275911|z|)
/// (Abramowitz & Stegun 7.1.26, |error| ≤ 1.5e-7), and the density φ(x) = e^(−x²/2)/√(2π), for GELU's slope.
CK_TARGET_AVX512 static inline __m512 ck_normal_cdf16(__m512 x, __m512 *density) {
    const __m512 one = _mm512_set1_ps(1.0f);
    __m512 z = _mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752f));
    __m512 magnitude = _mm512_abs_ps(z);
    __m512 t = _mm512_div_ps(one, _mm512_fmadd_ps(magnitude, _mm512_set1_ps(0.3275911f), one));
    __m512 p = _mm512_set1_ps(1.061405429f);
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-1.453152027f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(1.421413741f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-0.284496736f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(0.254829592f));
    __m512 gaussian = ck_exp16_nonpositive(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_mul_ps(z, z)));  // e^(−x²/2)
    __m512 complement = _mm512_mul_ps(_mm512_mul_ps(p, t), gaussian);  // 1 − erf(|z|)
    // Φ = 1 − complement/2 for x ≥ 0, complement/2 for x < 0.
    __m512 half = _mm512_mul_ps(complement, _mm512_set1_ps(0.5f));
    __mmask16 negative = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ);
    __m512 cdf = _mm512_mask_blend_ps(negative, _mm512_sub_ps(one, half), half);
    *density = _mm512_mul_ps(gaussian, _mm512_set1_ps(0.39894228040143268f));
    return cdf;
}

/// x·Φ(x) on sixteen lanes with erf as a rational function, erf(z) ≈ z·P(z²)/Q(z²) for |z| ≤ 4 (P, Q of
/// degree 5 in z², our own linearised least-squares fit; |error| ≤ 3.6e-7 in Float arithmetic) and exactly ±1
/// beyond, where 1 − erf(4) = 1.5e-8. No exponential: about twenty operations per vector.
CK_TARGET_AVX512 static inline __m512 ck_gelu16(__m512 x) {
    __m512 unclamped = _mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752f));
    __m512 z = _mm512_min_ps(_mm512_set1_ps(4.0f), _mm512_max_ps(_mm512_set1_ps(-4.0f), unclamped));  // keeps NaN
    __mmask16 saturated = _mm512_cmp_ps_mask(_mm512_abs_ps(unclamped), _mm512_set1_ps(4.0f), _CMP_GE_OQ);
    __m512 w = _mm512_mul_ps(z, z);
    __m512 p = _mm512_set1_ps(1.9747167243622243e-06f);
    p = _mm512_fmadd_ps(p, w, _mm512_set1_ps(0.00028801377629861236f));
    p = _mm512_fmadd_ps(p, w, _mm512_set1_ps(0.004003116395324469f));
    p = _mm512_fmadd_ps(p, w, _mm512_set1_ps(0.05346586927771568f));
    p = _mm512_fmadd_ps(p, w, _mm512_set1_ps(0.19623883068561554f));
    p = _mm512_fmadd_ps(p, w, _mm512_set1_ps(1.128378987312317f));
    __m512 q = _mm512_set1_ps(3.747820665012114e-05f);
    q = _mm512_fmadd_ps(q, w, _mm512_set1_ps(0.0012162004131823778f));
    q = _mm512_fmadd_ps(q, w, _mm512_set1_ps(0.015443404205143452f));
    q = _mm512_fmadd_ps(q, w, _mm512_set1_ps(0.11647198349237442f));
    q = _mm512_fmadd_ps(q, w, _mm512_set1_ps(0.5072433352470398f));
    q = _mm512_fmadd_ps(q, w, _mm512_set1_ps(1.0f));
    __m512 erf = _mm512_div_ps(_mm512_mul_ps(z, p), q);
    erf = _mm512_mask_mul_ps(erf, saturated, z, _mm512_set1_ps(0.25f));  // exactly ±1 beyond the clamp, so x·Φ(x) is 0 or x
    __m512 half = _mm512_mul_ps(x, _mm512_set1_ps(0.5f));
    return _mm512_fmadd_ps(half, erf, half);  // x/2·(1 + erf)
}

CK_TARGET_AVX512 static void softmax_short_row(const float *input, const float *mask, float *output, int length) {
    // At most four vectors: the row stays in registers between its three passes.
    const __m512 negativeInfinity = _mm512_set1_ps(-INFINITY);
    int vectors = (length + 15) / 16;
    __m512 values[4];
    __m512 maxima = negativeInfinity;
    for (int v = 0; v < vectors; v++) {
        __mmask16 lanes = ck_lanes(length - 16 * v);
        values[v] = _mm512_mask_loadu_ps(negativeInfinity, lanes, input + 16 * v);
        if (mask) values[v] = _mm512_add_ps(values[v], _mm512_maskz_loadu_ps(lanes, mask + 16 * v));
        maxima = _mm512_max_ps(maxima, values[v]);  // a NaN lane stays NaN
    }
    float maximum = _mm512_reduce_max_ps(maxima);
    if (maximum == -INFINITY) {
        for (int v = 0; v < vectors; v++) _mm512_mask_storeu_ps(output + 16 * v, ck_lanes(length - 16 * v), _mm512_setzero_ps());
        return;
    }
    __m512 shift = _mm512_set1_ps(maximum);
    __m512 sums = _mm512_setzero_ps();
    for (int v = 0; v < vectors; v++) {
        values[v] = ck_exp16_nonpositive(_mm512_sub_ps(values[v], shift));  // −∞ padding lanes give 0
        sums = _mm512_add_ps(sums, values[v]);
    }
    __m512 scale = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sums));
    for (int v = 0; v < vectors; v++) {
        _mm512_mask_storeu_ps(output + 16 * v, ck_lanes(length - 16 * v), _mm512_mul_ps(values[v], scale));
    }
}

CK_TARGET_AVX512 static void softmax_long_row(const float *input, const float *mask, float *output, int length) {
    const __m512 negativeInfinity = _mm512_set1_ps(-INFINITY);
    __m512 maxima = negativeInfinity;
    for (int i = 0; i < length; i += 16) {
        __mmask16 lanes = ck_lanes(length - i);
        __m512 values = _mm512_mask_loadu_ps(negativeInfinity, lanes, input + i);
        if (mask) values = _mm512_add_ps(values, _mm512_maskz_loadu_ps(lanes, mask + i));
        maxima = _mm512_max_ps(maxima, values);
    }
    float maximum = _mm512_reduce_max_ps(maxima);
    if (maximum == -INFINITY) {
        for (int i = 0; i < length; i += 16) _mm512_mask_storeu_ps(output + i, ck_lanes(length - i), _mm512_setzero_ps());
        return;
    }
    __m512 shift = _mm512_set1_ps(maximum);
    __m512 sums = _mm512_setzero_ps();
    for (int i = 0; i < length; i += 16) {
        __mmask16 lanes = ck_lanes(length - i);
        __m512 values = _mm512_mask_loadu_ps(negativeInfinity, lanes, input + i);
        if (mask) values = _mm512_add_ps(values, _mm512_maskz_loadu_ps(lanes, mask + i));
        __m512 exponentials = ck_exp16_nonpositive(_mm512_sub_ps(values, shift));  // −∞ padding lanes give 0
        _mm512_mask_storeu_ps(output + i, lanes, exponentials);
        sums = _mm512_add_ps(sums, exponentials);
    }
    __m512 scale = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sums));
    for (int i = 0; i < length; i += 16) {
        __mmask16 lanes = ck_lanes(length - i);
        _mm512_mask_storeu_ps(output + i, lanes, _mm512_mul_ps(_mm512_maskz_loadu_ps(lanes, output + i), scale));
    }
}

CK_TARGET_AVX512 static void softmax_rows_avx512(const float *input, const float *mask, int maskRows, float *output, int length,
                                                 size_t rowStart, size_t rowEnd) {
    for (size_t row = rowStart; row < rowEnd; row++) {
        const float *rowMask = mask ? mask + (size_t)(maskRows > 1 ? row % (size_t)maskRows : 0) * length : NULL;
        if (length <= 64) {
            softmax_short_row(input + row * length, rowMask, output + row * length, length);
        } else {
            softmax_long_row(input + row * length, rowMask, output + row * length, length);
        }
    }
}

CK_TARGET_AVX512 static void exp_avx512(const float *input, float *output, size_t count) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16) _mm512_storeu_ps(output + i, ck_exp16(_mm512_loadu_ps(input + i)));
    if (i < count) {
        __mmask16 lanes = ck_lanes((int)(count - i));
        _mm512_mask_storeu_ps(output + i, lanes, ck_exp16(_mm512_maskz_loadu_ps(lanes, input + i)));
    }
}

CK_TARGET_AVX512 static void gelu_avx512(const float *input, float *output, size_t count) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        _mm512_storeu_ps(output + i, ck_gelu16(_mm512_loadu_ps(input + i)));
    }
    if (i < count) {
        __mmask16 lanes = ck_lanes((int)(count - i));
        _mm512_mask_storeu_ps(output + i, lanes, ck_gelu16(_mm512_maskz_loadu_ps(lanes, input + i)));
    }
}

CK_TARGET_AVX512 static inline __m512 ck_gelu_slope16(__m512 x) {
    __m512 density;
    __m512 cdf = ck_normal_cdf16(x, &density);
    return _mm512_fmadd_ps(x, density, cdf);
}

CK_TARGET_AVX512 static void gelu_backward_avx512(const float *input, const float *outputGradient, float *inputGradient, size_t count) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 slope = ck_gelu_slope16(_mm512_loadu_ps(input + i));
        _mm512_storeu_ps(inputGradient + i, _mm512_mul_ps(_mm512_loadu_ps(outputGradient + i), slope));
    }
    if (i < count) {
        __mmask16 lanes = ck_lanes((int)(count - i));
        __m512 slope = ck_gelu_slope16(_mm512_maskz_loadu_ps(lanes, input + i));
        _mm512_mask_storeu_ps(inputGradient + i, lanes, _mm512_mul_ps(_mm512_maskz_loadu_ps(lanes, outputGradient + i), slope));
    }
}
#endif

void ck_softmax_rows(const float *input, const float *mask, int maskRows, float *output, int length, size_t rowStart, size_t rowEnd) {
#if CK_X86
    if (ck_cpu_has_avx512f() && length > 0) softmax_rows_avx512(input, mask, maskRows, output, length, rowStart, rowEnd);
#endif
}

void ck_exp(const float *input, float *output, size_t count) {
#if CK_X86
    if (ck_cpu_has_avx512f()) exp_avx512(input, output, count);
#endif
}

void ck_gelu(const float *input, float *output, size_t count) {
#if CK_X86
    if (ck_cpu_has_avx512f()) gelu_avx512(input, output, count);
#endif
}

void ck_gelu_backward(const float *input, const float *outputGradient, float *inputGradient, size_t count) {
#if CK_X86
    if (ck_cpu_has_avx512f()) gelu_backward_avx512(input, outputGradient, inputGradient, count);
#endif
}
