#ifndef CLIPKIT_FAISS_H
#define CLIPKIT_FAISS_H

/* A C interface over the parts of faiss (Debian's static C++ libfaiss, 1.7.3) that CLIPKit's
 * ApproximateIndex uses. Every index is wrapped in an IndexIDMap, so vectors carry the caller's
 * 64-bit ids. Functions that can fail return 0 on success and -1 on failure; the failure's text
 * (faiss's exception message or ours) is then available from clipkit_faiss_last_error() on the
 * same thread until the next call. */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An opaque faiss index (an IndexIDMap owning the index a factory string describes). */
typedef struct clipkit_faiss_index clipkit_faiss_index;

/** The message of the last failure on this thread (empty when the last call succeeded). */
const char *clipkit_faiss_last_error(void);

/** Sets the OpenMP thread count faiss uses for training, adding and searching. */
void clipkit_faiss_set_thread_count(int count);

/** Creates an index from a factory string ("HNSW32", "IVF1024,Flat", "IVF1024,PQ32", "Flat")
 * for `dimension`-dimensional vectors; `inner_product` non-zero selects the inner-product metric,
 * zero squared L2. */
int clipkit_faiss_create(const char *factory, int64_t dimension, int inner_product, clipkit_faiss_index **result);

/** Frees an index (NULL is allowed). */
void clipkit_faiss_free(clipkit_faiss_index *index);

int64_t clipkit_faiss_dimension(const clipkit_faiss_index *index);
int64_t clipkit_faiss_count(const clipkit_faiss_index *index);
int clipkit_faiss_is_trained(const clipkit_faiss_index *index);
/** Non-zero when the metric is the inner product. */
int clipkit_faiss_is_inner_product(const clipkit_faiss_index *index);

/** The fewest training vectors the index's quantisers accept (the IVF list count, 256 for an
 * 8-bit product quantiser), or 0 when the index needs no training. */
int64_t clipkit_faiss_minimum_training_count(const clipkit_faiss_index *index);

/** Trains on `count` row-major vectors. */
int clipkit_faiss_train(clipkit_faiss_index *index, int64_t count, const float *vectors);

/** Adds `count` row-major vectors with their ids. */
int clipkit_faiss_add(clipkit_faiss_index *index, int64_t count, const float *vectors, const int64_t *ids);

/** Searches `count` queries for their `k` nearest; writes `count * k` scores and ids (id -1 and
 * score -inf or +inf where fewer than k results exist). */
int clipkit_faiss_search(const clipkit_faiss_index *index, int64_t count, const float *queries, int64_t k,
                         float *scores, int64_t *ids);

/** Sets a search parameter through faiss::ParameterSpace ("efSearch", "nprobe", ...). */
int clipkit_faiss_set_parameter(clipkit_faiss_index *index, const char *name, double value);

/** Writes the index to a file. */
int clipkit_faiss_write(const clipkit_faiss_index *index, const char *path);

/** Reads an index written by clipkit_faiss_write. */
int clipkit_faiss_read(const char *path, clipkit_faiss_index **result);

#ifdef __cplusplus
}
#endif

#endif
