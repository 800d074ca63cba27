// Reduced-precision kernels for x86-64 with AVX-512: bf16 dot products (AVX512_BF16, vdpbf16ps)
// for inference products, and u8·s8 dot products (AVX512_VNNI, vpdpbusd) for exact search over
// quantised vectors. Every kernel has a portable scalar twin, chosen at run time, so the library
// builds and runs on any x86-64 (or arm64) host.
#ifndef CREDUCEDPRECISION_H
#define CREDUCEDPRECISION_H

#include <stddef.h>
#include <stdint.h>

// The module's other kernels: exp, softmax rows and GELU with AVX-512F (the module's umbrella is this header).
#include "CElementwiseKernels.h"
#include "CPrefetch.h"

/// Output columns per packed weight block (four 16-lane vectors).
#define CK_BF16_BLOCK_COLUMNS 64

/// 1 when the CPU runs AVX512_BF16 (and AVX512F/BW/VL), else 0.
int ck_cpu_has_avx512_bf16(void);
/// 1 when the CPU runs AVX512_VNNI (and AVX512F/BW), else 0.
int ck_cpu_has_avx512_vnni(void);

/// Rounds one float to bfloat16, to nearest with ties to even (NaN stays NaN).
uint16_t ck_bf16_from_float(float value);
/// The float a bfloat16 holds exactly.
float ck_float_from_bf16(uint16_t value);

/// Packs `weight` [columns, depth] (row-major, PyTorch's Linear layout, leading dimension `ldw`)
/// for `ck_bf16_gemm`: blocks of 64 output columns, each [depth/2 pairs][64 columns][2], zero
/// padded to `ck_bf16_packed_count` values.
size_t ck_bf16_packed_count(int columns, int depth);
void ck_bf16_pack_weights(const float *weight, int columns, int depth, int ldw, uint16_t *packed);

/// Rows [rowStart, rowEnd) of `input` [rows, depth] (leading dimension `lda`) to bfloat16 with
/// an even row stride `paddedDepth` (the odd column, if any, is zero).
void ck_bf16_convert_rows(const float *input, int depth, int lda, uint16_t *output, int paddedDepth, int rowStart, int rowEnd);

/// output[r, c] = Σₖ input[r, k]·weight[c, k] (+ bias[c]) in float accumulation, for every row
/// r < rows and the columns of packed blocks [blockStart, blockEnd). `input` is bfloat16
/// [rows, paddedDepth] from `ck_bf16_convert_rows`; `bias` may be NULL; `ldo` is the output's
/// leading dimension.
void ck_bf16_gemm(const uint16_t *input, int rows, int paddedDepth, const uint16_t *packed, int columns,
                  const float *bias, float *output, int ldo, int blockStart, int blockEnd);

/// int8 products (AVX512_VNNI): W [columns, depth] quantised per output column symmetrically,
/// w = sᶜ·qᶜₖ with sᶜ = max|W[c]|/127, packed in blocks of 64 columns as [depth/4 quads][64][4]
/// signed bytes (zero padded to `ck_int8_packed_count` bytes); `columnSums` gets Σₖ qᶜₖ.
size_t ck_int8_packed_count(int columns, int depth);
void ck_int8_pack_weights(const float *weight, int columns, int depth, int ldw, int8_t *packed, float *columnScales,
                          int32_t *columnSums);
/// Rows [rowStart, rowEnd) of `input` quantised per row, x = sʳ·qʳₖ, qʳₖ ∈ [−127, 127], stored
/// offset by 128 as unsigned bytes with row stride `paddedDepth` (a multiple of 4; padding 128).
/// Columns k with `skippedColumns[k]` ≠ 0 (NULL: none) are stored as 0 and left out of the scale.
void ck_int8_quantize_activation_rows(const float *input, int depth, int lda, uint8_t *output, int paddedDepth,
                                      float *rowScales, const uint8_t *skippedColumns, int rowStart, int rowEnd);
/// output[r, c] = sʳ·sᶜ·(Σₖ (qʳₖ + 128)·qᶜₖ − 128·Σₖ qᶜₖ) (+ bias[c]) for every row and the columns
/// of packed blocks [blockStart, blockEnd).
void ck_int8_gemm(const uint8_t *input, const float *rowScales, int rows, int paddedDepth, const int8_t *packed,
                  const float *columnScales, const int32_t *columnSums, int columns, const float *bias, float *output,
                  int ldo, int blockStart, int blockEnd);

/// Quantises `rows` rows of `vectors` [rows, dimension] symmetrically to 8 bits per row:
/// scale = max|x|/127, q = round(x/scale) ∈ [−127, 127], stored offset by 128 as unsigned bytes
/// (row stride `paddedDimension`, a multiple of 64, zero-padded with 128); `scales` gets each scale.
void ck_int8_quantize_rows_unsigned(const float *vectors, int rows, int dimension, uint8_t *quantized, int paddedDimension,
                                    float *scales);
/// Quantises one query the same way but as signed bytes (padding 0); returns Σq.
int32_t ck_int8_quantize_query(const float *query, int dimension, int8_t *quantized, int paddedDimension, float *scale);

/// scores[i] = rowScales[i]·queryScale·(Σⱼ u[i, j]·q[j] − 128·querySum) ≈ vectors[i]·query for
/// rows i in [rowStart, rowEnd).
void ck_int8_scores(const uint8_t *quantized, const float *rowScales, int paddedDimension, const int8_t *query,
                    float queryScale, int32_t querySum, float *scores, int rowStart, int rowEnd);

#endif
