// See CReducedPrecision.h. Vector kernels carry their instruction set as a function attribute,
// so the file compiles for baseline x86-64; the CPU is asked at run time which path to take.
#include "CReducedPrecision.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define CK_X86 1
#define CK_TARGET_BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16")))
#define CK_TARGET_VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")))
#else
#define CK_X86 0
#endif

static int ck_portable_only(void) {
    static int cached = -1;
    if (cached < 0) {
        // CLIPKIT_PORTABLE_KERNELS=1 takes the scalar paths (how tests exercise an AVX2-only host).
        const char *value = getenv("CLIPKIT_PORTABLE_KERNELS");
        cached = value != NULL && value[0] == '1';
    }
    return cached;
}

static int bf16_detected(void) {
#if CK_X86
    if (ck_portable_only()) return 0;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bf16");
#else
    return 0;
#endif
}

static int vnni_detected(void) {
#if CK_X86
    if (ck_portable_only()) return 0;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vnni");
#else
    return 0;
#endif
}

int ck_cpu_has_avx512_bf16(void) {
    static int cached = -1;
    if (cached < 0) cached = bf16_detected();
    return cached;
}

int ck_cpu_has_avx512_vnni(void) {
    static int cached = -1;
    if (cached < 0) cached = vnni_detected();
    return cached;
}

uint16_t ck_bf16_from_float(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits >> 16) | 0x40u);  // quiet NaN
    uint32_t rounding = 0x7fffu + ((bits >> 16) & 1u);  // to nearest, ties to even
    return (uint16_t)((bits + rounding) >> 16);
}

float ck_float_from_bf16(uint16_t value) {
    uint32_t bits = (uint32_t)value << 16;
    float result;
    memcpy(&result, &bits, sizeof result);
    return result;
}

// MARK: - bf16 products

size_t ck_bf16_packed_count(int columns, int depth) {
    size_t blocks = (size_t)(columns + CK_BF16_BLOCK_COLUMNS - 1) / CK_BF16_BLOCK_COLUMNS;
    size_t pairs = (size_t)(depth + 1) / 2;
    return blocks * pairs * CK_BF16_BLOCK_COLUMNS * 2;
}

void ck_bf16_pack_weights(const float *weight, int columns, int depth, int ldw, uint16_t *packed) {
    int blocks = (columns + CK_BF16_BLOCK_COLUMNS - 1) / CK_BF16_BLOCK_COLUMNS;
    int pairs = (depth + 1) / 2;
    memset(packed, 0, ck_bf16_packed_count(columns, depth) * sizeof(uint16_t));
    for (int column = 0; column < columns; column++) {
        int block = column / CK_BF16_BLOCK_COLUMNS, lane = column % CK_BF16_BLOCK_COLUMNS;
        uint16_t *target = packed + (size_t)block * pairs * CK_BF16_BLOCK_COLUMNS * 2 + (size_t)lane * 2;
        const float *source = weight + (size_t)column * ldw;
        for (int k = 0; k < depth; k++) {
            target[(size_t)(k / 2) * CK_BF16_BLOCK_COLUMNS * 2 + (k % 2)] = ck_bf16_from_float(source[k]);
        }
    }
    (void)blocks;
}

#if CK_X86
CK_TARGET_BF16 static void bf16_convert_rows_avx512(const float *input, int depth, int lda, uint16_t *output, int paddedDepth,
                                                    int rowStart, int rowEnd) {
    for (int row = rowStart; row < rowEnd; row++) {
        const float *source = input + (size_t)row * lda;
        uint16_t *target = output + (size_t)row * paddedDepth;
        int k = 0;
        for (; k + 32 <= depth; k += 32) {
            __m512bh converted = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(source + k + 16), _mm512_loadu_ps(source + k));
            _mm512_storeu_si512((void *)(target + k), (__m512i)converted);
        }
        for (; k < depth; k += 16) {
            int remaining = depth - k;
            __mmask16 mask = remaining >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << remaining) - 1);
            __m256bh converted = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, source + k));
            _mm256_mask_storeu_epi16((void *)(target + k), mask, (__m256i)converted);
        }
        for (k = depth; k < paddedDepth; k++) target[k] = 0;
    }
}
#endif

void ck_bf16_convert_rows(const float *input, int depth, int lda, uint16_t *output, int paddedDepth, int rowStart, int rowEnd) {
#if CK_X86
    if (ck_cpu_has_avx512_bf16()) {
        bf16_convert_rows_avx512(input, depth, lda, output, paddedDepth, rowStart, rowEnd);
        return;
    }
#endif
    for (int row = rowStart; row < rowEnd; row++) {
        for (int k = 0; k < paddedDepth; k++) {
            output[(size_t)row * paddedDepth + k] = k < depth ? ck_bf16_from_float(input[(size_t)row * lda + k]) : 0;
        }
    }
}

#if CK_X86
// One tile: `ROWS` rows × 64 columns, the whole depth, accumulators in 4·ROWS registers.
#define CK_BF16_TILE(ROWS)                                                                                                   \
    CK_TARGET_BF16 static void bf16_tile_##ROWS(const uint16_t *a, int paddedDepth, const uint16_t *b, int pairs,          \
                                                const float *bias, float *out, int ldo, int validColumns) {              \
        __m512 acc[ROWS][4];                                                                                                 \
        for (int i = 0; i < ROWS; i++)                                                                                       \
            for (int s = 0; s < 4; s++) acc[i][s] = _mm512_setzero_ps();                                                     \
        for (int p = 0; p < pairs; p++) {                                                                                    \
            const uint16_t *pair = b + (size_t)p * CK_BF16_BLOCK_COLUMNS * 2;                                                \
            __m512bh b0 = (__m512bh)_mm512_loadu_si512((const void *)(pair));                                                \
            __m512bh b1 = (__m512bh)_mm512_loadu_si512((const void *)(pair + 32));                                           \
            __m512bh b2 = (__m512bh)_mm512_loadu_si512((const void *)(pair + 64));                                           \
            __m512bh b3 = (__m512bh)_mm512_loadu_si512((const void *)(pair + 96));                                           \
            for (int i = 0; i < ROWS; i++) {                                                                                 \
                int32_t bits;                                                                                                \
                memcpy(&bits, a + (size_t)i * paddedDepth + 2 * (size_t)p, sizeof bits);                                     \
                __m512bh broadcast = (__m512bh)_mm512_set1_epi32(bits);                                                      \
                acc[i][0] = _mm512_dpbf16_ps(acc[i][0], broadcast, b0);                                                      \
                acc[i][1] = _mm512_dpbf16_ps(acc[i][1], broadcast, b1);                                                      \
                acc[i][2] = _mm512_dpbf16_ps(acc[i][2], broadcast, b2);                                                      \
                acc[i][3] = _mm512_dpbf16_ps(acc[i][3], broadcast, b3);                                                      \
            }                                                                                                                \
        }                                                                                                                    \
        for (int s = 0; s < 4; s++) {                                                                                        \
            int first = s * 16;                                                                                              \
            if (first >= validColumns) break;                                                                                \
            int remaining = validColumns - first;                                                                            \
            __mmask16 mask = remaining >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << remaining) - 1);                       \
            __m512 added = bias ? _mm512_maskz_loadu_ps(mask, bias + first) : _mm512_setzero_ps();                           \
            for (int i = 0; i < ROWS; i++)                                                                                   \
                _mm512_mask_storeu_ps(out + (size_t)i * ldo + first, mask, _mm512_add_ps(acc[i][s], added));                 \
        }                                                                                                                    \
    }
CK_BF16_TILE(1)
CK_BF16_TILE(2)
CK_BF16_TILE(3)
CK_BF16_TILE(4)
CK_BF16_TILE(5)
CK_BF16_TILE(6)
#undef CK_BF16_TILE

static void bf16_gemm_avx512(const uint16_t *input, int rows, int paddedDepth, const uint16_t *packed, int columns,
                             const float *bias, float *output, int ldo, int blockStart, int blockEnd) {
    int pairs = paddedDepth / 2;
    // Rows per pass: their bf16 input (about 256 KB) stays in L2 while every block of the range reads it.
    int rowBlock = (int)((256 * 1024) / ((size_t)paddedDepth * 2)) / 6 * 6;
    if (rowBlock < 6) rowBlock = 6;
    for (int rowFirst = 0; rowFirst < rows; rowFirst += rowBlock) {
        int rowLast = rowFirst + rowBlock < rows ? rowFirst + rowBlock : rows;
        for (int block = blockStart; block < blockEnd; block++) {
            int firstColumn = block * CK_BF16_BLOCK_COLUMNS;
            int validColumns = columns - firstColumn < CK_BF16_BLOCK_COLUMNS ? columns - firstColumn : CK_BF16_BLOCK_COLUMNS;
            const uint16_t *weights = packed + (size_t)block * pairs * CK_BF16_BLOCK_COLUMNS * 2;
            const float *blockBias = bias ? bias + firstColumn : NULL;
            for (int row = rowFirst; row < rowLast; row += 6) {
                const uint16_t *a = input + (size_t)row * paddedDepth;
                float *out = output + (size_t)row * ldo + firstColumn;
                switch (rowLast - row >= 6 ? 6 : rowLast - row) {
                case 6: bf16_tile_6(a, paddedDepth, weights, pairs, blockBias, out, ldo, validColumns); break;
                case 5: bf16_tile_5(a, paddedDepth, weights, pairs, blockBias, out, ldo, validColumns); break;
                case 4: bf16_tile_4(a, paddedDepth, weights, pairs, blockBias, out, ldo, validColumns); break;
                case 3: bf16_tile_3(a, paddedDepth, weights, pairs, blockBias, out, ldo, validColumns); break;
                case 2: bf16_tile_2(a, paddedDepth, weights, pairs, blockBias, out, ldo, validColumns); break;
                default: bf16_tile_1(a, paddedDepth, weights, pairs, blockBias, out, ldo, validColumns); break;
                }
            }
        }
    }
}
#endif

void ck_bf16_gemm(const uint16_t *input, int rows, int paddedDepth, const uint16_t *packed, int columns,
                  const float *bias, float *output, int ldo, int blockStart, int blockEnd) {
#if CK_X86
    if (ck_cpu_has_avx512_bf16()) {
        bf16_gemm_avx512(input, rows, paddedDepth, packed, columns, bias, output, ldo, blockStart, blockEnd);
        return;
    }
#endif
    int pairs = paddedDepth / 2;
    for (int block = blockStart; block < blockEnd; block++) {
        const uint16_t *weights = packed + (size_t)block * pairs * CK_BF16_BLOCK_COLUMNS * 2;
        for (int lane = 0; lane < CK_BF16_BLOCK_COLUMNS; lane++) {
            int column = block * CK_BF16_BLOCK_COLUMNS + lane;
            if (column >= columns) break;
            for (int row = 0; row < rows; row++) {
                const uint16_t *a = input + (size_t)row * paddedDepth;
                float sum = 0;
                for (int p = 0; p < pairs; p++) {
                    const uint16_t *w = weights + ((size_t)p * CK_BF16_BLOCK_COLUMNS + lane) * 2;
                    sum += ck_float_from_bf16(a[2 * p]) * ck_float_from_bf16(w[0])
                         + ck_float_from_bf16(a[2 * p + 1]) * ck_float_from_bf16(w[1]);
                }
                output[(size_t)row * ldo + column] = sum + (bias ? bias[column] : 0);
            }
        }
    }
}

// MARK: - int8 products

size_t ck_int8_packed_count(int columns, int depth) {
    size_t blocks = (size_t)(columns + CK_BF16_BLOCK_COLUMNS - 1) / CK_BF16_BLOCK_COLUMNS;
    size_t quads = (size_t)(depth + 3) / 4;
    return blocks * quads * CK_BF16_BLOCK_COLUMNS * 4;
}

void ck_int8_pack_weights(const float *weight, int columns, int depth, int ldw, int8_t *packed, float *columnScales,
                          int32_t *columnSums) {
    int quads = (depth + 3) / 4;
    memset(packed, 0, ck_int8_packed_count(columns, depth));
    for (int column = 0; column < columns; column++) {
        const float *source = weight + (size_t)column * ldw;
        float largest = 0;
        for (int k = 0; k < depth; k++) largest = fmaxf(largest, fabsf(source[k]));
        float inverse = largest > 0 ? 127 / largest : 0;
        int block = column / CK_BF16_BLOCK_COLUMNS, lane = column % CK_BF16_BLOCK_COLUMNS;
        int8_t *target = packed + (size_t)block * quads * CK_BF16_BLOCK_COLUMNS * 4 + (size_t)lane * 4;
        int32_t sum = 0;
        for (int k = 0; k < depth; k++) {
            int q = (int)fminf(127, fmaxf(-127, nearbyintf(source[k] * inverse)));
            target[(size_t)(k / 4) * CK_BF16_BLOCK_COLUMNS * 4 + (k % 4)] = (int8_t)q;
            sum += q;
        }
        columnScales[column] = largest / 127;
        columnSums[column] = sum;
    }
}

void ck_int8_quantize_activation_rows(const float *input, int depth, int lda, uint8_t *output, int paddedDepth,
                                      float *rowScales, const uint8_t *skippedColumns, int rowStart, int rowEnd) {
    for (int row = rowStart; row < rowEnd; row++) {
        const float *source = input + (size_t)row * lda;
        uint8_t *target = output + (size_t)row * paddedDepth;
        float largest = 0;
        if (skippedColumns) {
            for (int k = 0; k < depth; k++) largest = skippedColumns[k] ? largest : fmaxf(largest, fabsf(source[k]));
        } else {
            for (int k = 0; k < depth; k++) largest = fmaxf(largest, fabsf(source[k]));
        }
        float inverse = largest > 0 ? 127 / largest : 0;
        for (int k = 0; k < depth; k++) {
            target[k] = (uint8_t)((int)fminf(127, fmaxf(-127, nearbyintf(source[k] * inverse))) + 128);
        }
        if (skippedColumns) {
            for (int k = 0; k < depth; k++) target[k] = skippedColumns[k] ? 128 : target[k];
        }
        for (int k = depth; k < paddedDepth; k++) target[k] = 128;
        rowScales[row] = largest / 127;
    }
}

#if CK_X86
#define CK_INT8_TILE(ROWS)                                                                                                   \
    CK_TARGET_VNNI static void int8_tile_##ROWS(const uint8_t *a, const float *rowScales, int paddedDepth, const int8_t *b, \
                                                int quads, const float *columnScales, const int32_t *columnSums,           \
                                                const float *bias, float *out, int ldo, int validColumns) {                \
        __m512i acc[ROWS][4];                                                                                                \
        for (int i = 0; i < ROWS; i++)                                                                                       \
            for (int s = 0; s < 4; s++) acc[i][s] = _mm512_setzero_si512();                                                  \
        for (int p = 0; p < quads; p++) {                                                                                    \
            const int8_t *quad = b + (size_t)p * CK_BF16_BLOCK_COLUMNS * 4;                                                  \
            __m512i b0 = _mm512_loadu_si512((const void *)(quad));                                                           \
            __m512i b1 = _mm512_loadu_si512((const void *)(quad + 64));                                                      \
            __m512i b2 = _mm512_loadu_si512((const void *)(quad + 128));                                                     \
            __m512i b3 = _mm512_loadu_si512((const void *)(quad + 192));                                                     \
            for (int i = 0; i < ROWS; i++) {                                                                                 \
                int32_t bits;                                                                                                \
                memcpy(&bits, a + (size_t)i * paddedDepth + 4 * (size_t)p, sizeof bits);                                     \
                __m512i broadcast = _mm512_set1_epi32(bits);                                                                 \
                acc[i][0] = _mm512_dpbusd_epi32(acc[i][0], broadcast, b0);                                                   \
                acc[i][1] = _mm512_dpbusd_epi32(acc[i][1], broadcast, b1);                                                   \
                acc[i][2] = _mm512_dpbusd_epi32(acc[i][2], broadcast, b2);                                                   \
                acc[i][3] = _mm512_dpbusd_epi32(acc[i][3], broadcast, b3);                                                   \
            }                                                                                                                \
        }                                                                                                                    \
        for (int s = 0; s < 4; s++) {                                                                                        \
            int first = s * 16;                                                                                              \
            if (first >= validColumns) break;                                                                                \
            int remaining = validColumns - first;                                                                            \
            __mmask16 mask = remaining >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << remaining) - 1);                       \
            __m512 added = bias ? _mm512_maskz_loadu_ps(mask, bias + first) : _mm512_setzero_ps();                           \
            __m512 scale = _mm512_maskz_loadu_ps(mask, columnScales + first);                                                \
            __m512i offset = _mm512_slli_epi32(_mm512_maskz_loadu_epi32(mask, columnSums + first), 7);                       \
            for (int i = 0; i < ROWS; i++) {                                                                                 \
                __m512 dot = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[i][s], offset));                                        \
                __m512 value = _mm512_fmadd_ps(dot, _mm512_mul_ps(scale, _mm512_set1_ps(rowScales[i])), added);               \
                _mm512_mask_storeu_ps(out + (size_t)i * ldo + first, mask, value);                                           \
            }                                                                                                                \
        }                                                                                                                    \
    }
CK_INT8_TILE(1)
CK_INT8_TILE(2)
CK_INT8_TILE(3)
CK_INT8_TILE(4)
CK_INT8_TILE(5)
CK_INT8_TILE(6)
#undef CK_INT8_TILE

static void int8_gemm_avx512(const uint8_t *input, const float *rowScales, int rows, int paddedDepth, const int8_t *packed,
                             const float *columnScales, const int32_t *columnSums, int columns, const float *bias,
                             float *output, int ldo, int blockStart, int blockEnd) {
    int quads = paddedDepth / 4;
    int rowBlock = (int)((256 * 1024) / (size_t)paddedDepth) / 6 * 6;
    if (rowBlock < 6) rowBlock = 6;
    for (int rowFirst = 0; rowFirst < rows; rowFirst += rowBlock) {
        int rowLast = rowFirst + rowBlock < rows ? rowFirst + rowBlock : rows;
        for (int block = blockStart; block < blockEnd; block++) {
            int firstColumn = block * CK_BF16_BLOCK_COLUMNS;
            int validColumns = columns - firstColumn < CK_BF16_BLOCK_COLUMNS ? columns - firstColumn : CK_BF16_BLOCK_COLUMNS;
            const int8_t *weights = packed + (size_t)block * quads * CK_BF16_BLOCK_COLUMNS * 4;
            const float *blockBias = bias ? bias + firstColumn : NULL;
            const float *scales = columnScales + firstColumn;
            const int32_t *sums = columnSums + firstColumn;
            for (int row = rowFirst; row < rowLast; row += 6) {
                const uint8_t *a = input + (size_t)row * paddedDepth;
                float *out = output + (size_t)row * ldo + firstColumn;
                const float *rs = rowScales + row;
                switch (rowLast - row >= 6 ? 6 : rowLast - row) {
                case 6: int8_tile_6(a, rs, paddedDepth, weights, quads, scales, sums, blockBias, out, ldo, validColumns); break;
                case 5: int8_tile_5(a, rs, paddedDepth, weights, quads, scales, sums, blockBias, out, ldo, validColumns); break;
                case 4: int8_tile_4(a, rs, paddedDepth, weights, quads, scales, sums, blockBias, out, ldo, validColumns); break;
                case 3: int8_tile_3(a, rs, paddedDepth, weights, quads, scales, sums, blockBias, out, ldo, validColumns); break;
                case 2: int8_tile_2(a, rs, paddedDepth, weights, quads, scales, sums, blockBias, out, ldo, validColumns); break;
                default: int8_tile_1(a, rs, paddedDepth, weights, quads, scales, sums, blockBias, out, ldo, validColumns); break;
                }
            }
        }
    }
}
#endif

void ck_int8_gemm(const uint8_t *input, const float *rowScales, int rows, int paddedDepth, const int8_t *packed,
                  const float *columnScales, const int32_t *columnSums, int columns, const float *bias, float *output,
                  int ldo, int blockStart, int blockEnd) {
#if CK_X86
    if (ck_cpu_has_avx512_vnni()) {
        int8_gemm_avx512(input, rowScales, rows, paddedDepth, packed, columnScales, columnSums, columns, bias, output, ldo,
                         blockStart, blockEnd);
        return;
    }
#endif
    int quads = paddedDepth / 4;
    for (int block = blockStart; block < blockEnd; block++) {
        const int8_t *weights = packed + (size_t)block * quads * CK_BF16_BLOCK_COLUMNS * 4;
        for (int lane = 0; lane < CK_BF16_BLOCK_COLUMNS; lane++) {
            int column = block * CK_BF16_BLOCK_COLUMNS + lane;
            if (column >= columns) break;
            for (int row = 0; row < rows; row++) {
                const uint8_t *a = input + (size_t)row * paddedDepth;
                int32_t sum = 0;
                for (int k = 0; k < paddedDepth; k++) {
                    sum += (int32_t)a[k] * (int32_t)weights[((size_t)(k / 4) * CK_BF16_BLOCK_COLUMNS + lane) * 4 + (k % 4)];
                }
                output[(size_t)row * ldo + column] = rowScales[row] * columnScales[column] * (float)(sum - 128 * columnSums[column])
                    + (bias ? bias[column] : 0);
            }
        }
    }
}

// MARK: - int8 search

void ck_int8_quantize_rows_unsigned(const float *vectors, int rows, int dimension, uint8_t *quantized, int paddedDimension,
                                    float *scales) {
    for (int row = 0; row < rows; row++) {
        const float *source = vectors + (size_t)row * dimension;
        uint8_t *target = quantized + (size_t)row * paddedDimension;
        float largest = 0;
        for (int j = 0; j < dimension; j++) largest = fmaxf(largest, fabsf(source[j]));
        float scale = largest / 127, inverse = largest > 0 ? 127 / largest : 0;
        for (int j = 0; j < dimension; j++) {
            float rounded = nearbyintf(source[j] * inverse);
            rounded = fminf(127, fmaxf(-127, rounded));
            target[j] = (uint8_t)((int)rounded + 128);
        }
        for (int j = dimension; j < paddedDimension; j++) target[j] = 128;
        scales[row] = scale;
    }
}

int32_t ck_int8_quantize_query(const float *query, int dimension, int8_t *quantized, int paddedDimension, float *scale) {
    float largest = 0;
    for (int j = 0; j < dimension; j++) largest = fmaxf(largest, fabsf(query[j]));
    float inverse = largest > 0 ? 127 / largest : 0;
    int32_t sum = 0;
    for (int j = 0; j < dimension; j++) {
        float rounded = fminf(127, fmaxf(-127, nearbyintf(query[j] * inverse)));
        quantized[j] = (int8_t)rounded;
        sum += (int32_t)rounded;
    }
    for (int j = dimension; j < paddedDimension; j++) quantized[j] = 0;
    *scale = largest / 127;
    return sum;
}

#if CK_X86
CK_TARGET_VNNI static void int8_scores_avx512(const uint8_t *quantized, const float *rowScales, int paddedDimension,
                                              const int8_t *query, float queryScale, int32_t querySum, float *scores,
                                              int rowStart, int rowEnd) {
    int chunks = paddedDimension / 64;
    int32_t offset = 128 * querySum;
    int row = rowStart;
    for (; row + 4 <= rowEnd; row += 4) {
        const uint8_t *base = quantized + (size_t)row * paddedDimension;
        __m512i acc0 = _mm512_setzero_si512(), acc1 = _mm512_setzero_si512();
        __m512i acc2 = _mm512_setzero_si512(), acc3 = _mm512_setzero_si512();
        for (int chunk = 0; chunk < chunks; chunk++) {
            __m512i q = _mm512_loadu_si512((const void *)(query + chunk * 64));
            acc0 = _mm512_dpbusd_epi32(acc0, _mm512_loadu_si512((const void *)(base + chunk * 64)), q);
            acc1 = _mm512_dpbusd_epi32(acc1, _mm512_loadu_si512((const void *)(base + paddedDimension + chunk * 64)), q);
            acc2 = _mm512_dpbusd_epi32(acc2, _mm512_loadu_si512((const void *)(base + 2 * (size_t)paddedDimension + chunk * 64)), q);
            acc3 = _mm512_dpbusd_epi32(acc3, _mm512_loadu_si512((const void *)(base + 3 * (size_t)paddedDimension + chunk * 64)), q);
        }
        scores[row] = rowScales[row] * queryScale * (float)(_mm512_reduce_add_epi32(acc0) - offset);
        scores[row + 1] = rowScales[row + 1] * queryScale * (float)(_mm512_reduce_add_epi32(acc1) - offset);
        scores[row + 2] = rowScales[row + 2] * queryScale * (float)(_mm512_reduce_add_epi32(acc2) - offset);
        scores[row + 3] = rowScales[row + 3] * queryScale * (float)(_mm512_reduce_add_epi32(acc3) - offset);
    }
    for (; row < rowEnd; row++) {
        const uint8_t *base = quantized + (size_t)row * paddedDimension;
        __m512i acc = _mm512_setzero_si512();
        for (int chunk = 0; chunk < chunks; chunk++) {
            acc = _mm512_dpbusd_epi32(acc, _mm512_loadu_si512((const void *)(base + chunk * 64)),
                                      _mm512_loadu_si512((const void *)(query + chunk * 64)));
        }
        scores[row] = rowScales[row] * queryScale * (float)(_mm512_reduce_add_epi32(acc) - offset);
    }
}
#endif

void ck_int8_scores(const uint8_t *quantized, const float *rowScales, int paddedDimension, const int8_t *query,
                    float queryScale, int32_t querySum, float *scores, int rowStart, int rowEnd) {
#if CK_X86
    if (ck_cpu_has_avx512_vnni()) {
        int8_scores_avx512(quantized, rowScales, paddedDimension, query, queryScale, querySum, scores, rowStart, rowEnd);
        return;
    }
#endif
    int32_t offset = 128 * querySum;
    for (int row = rowStart; row < rowEnd; row++) {
        const uint8_t *base = quantized + (size_t)row * paddedDimension;
        int32_t sum = 0;
        for (int j = 0; j < paddedDimension; j++) sum += (int32_t)base[j] * (int32_t)query[j];
        scores[row] = rowScales[row] * queryScale * (float)(sum - offset);
    }
}
