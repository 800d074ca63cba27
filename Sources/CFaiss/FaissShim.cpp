// extern "C" functions over faiss's C++ API (see include/clipkit_faiss.h). Headers that pull in
// <omp.h> (IndexHNSW.h) are avoided: parameters go through faiss::ParameterSpace, and the one
// OpenMP function needed is declared here.

#include "clipkit_faiss.h"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <memory>
#include <string>

#include <faiss/AutoTune.h>
#include <faiss/IVFlib.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexPQ.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>

extern "C" void omp_set_num_threads(int count);

struct clipkit_faiss_index {
    std::unique_ptr<faiss::IndexIDMap> index;
};

namespace {

thread_local std::string lastError;

/// Runs `body`, turning any exception into -1 and a stored message.
template <typename Body>
int guarded(Body body) {
    lastError.clear();
    try {
        body();
        return 0;
    } catch (const std::exception &error) {
        lastError = error.what();
    } catch (...) {
        lastError = "unknown C++ exception from faiss";
    }
    return -1;
}

int fail(const std::string &message) {
    lastError = message;
    return -1;
}

}  // namespace

extern "C" {

const char *clipkit_faiss_last_error(void) { return lastError.c_str(); }

void clipkit_faiss_set_thread_count(int count) { omp_set_num_threads(count > 0 ? count : 1); }

int clipkit_faiss_create(const char *factory, int64_t dimension, int inner_product, clipkit_faiss_index **result) {
    *result = nullptr;
    if (dimension <= 0) return fail("the dimension must be positive, got " + std::to_string(dimension));
    return guarded([&] {
        faiss::MetricType metric = inner_product ? faiss::METRIC_INNER_PRODUCT : faiss::METRIC_L2;
        std::unique_ptr<faiss::Index> inner(faiss::index_factory(int(dimension), factory, metric));
        // The factory turns on polysemous training for PQ codes; it only serves Hamming-filtered
        // search, which CLIPKit never enables, and costs minutes of simulated annealing.
        if (auto *ivfpq = dynamic_cast<faiss::IndexIVFPQ *>(faiss::ivflib::try_extract_index_ivf(inner.get()))) {
            ivfpq->do_polysemous_training = false;
        }
        if (auto *pq = dynamic_cast<faiss::IndexPQ *>(inner.get())) pq->do_polysemous_training = false;
        auto wrapper = std::make_unique<faiss::IndexIDMap>(inner.get());
        inner.release();
        wrapper->own_fields = true;
        *result = new clipkit_faiss_index{std::move(wrapper)};
    });
}

void clipkit_faiss_free(clipkit_faiss_index *index) { delete index; }

int64_t clipkit_faiss_dimension(const clipkit_faiss_index *index) { return index->index->d; }

int64_t clipkit_faiss_count(const clipkit_faiss_index *index) { return index->index->ntotal; }

int clipkit_faiss_is_trained(const clipkit_faiss_index *index) { return index->index->is_trained ? 1 : 0; }

int clipkit_faiss_is_inner_product(const clipkit_faiss_index *index) {
    return index->index->metric_type == faiss::METRIC_INNER_PRODUCT ? 1 : 0;
}

int64_t clipkit_faiss_minimum_training_count(const clipkit_faiss_index *index) {
    const faiss::Index *inner = index->index->index;
    if (inner->is_trained) return 0;
    int64_t minimum = 1;
    if (const faiss::IndexIVF *ivf = faiss::ivflib::try_extract_index_ivf(inner)) {
        minimum = std::max<int64_t>(minimum, int64_t(ivf->nlist));
        if (auto *ivfpq = dynamic_cast<const faiss::IndexIVFPQ *>(ivf)) {
            minimum = std::max<int64_t>(minimum, int64_t(ivfpq->pq.ksub));
        }
    }
    if (auto *pq = dynamic_cast<const faiss::IndexPQ *>(inner)) {
        minimum = std::max<int64_t>(minimum, int64_t(pq->pq.ksub));
    }
    return minimum;
}

int clipkit_faiss_train(clipkit_faiss_index *index, int64_t count, const float *vectors) {
    return guarded([&] { index->index->train(count, vectors); });
}

int clipkit_faiss_add(clipkit_faiss_index *index, int64_t count, const float *vectors, const int64_t *ids) {
    if (!index->index->is_trained) return fail("the index is not trained: train it before adding vectors");
    return guarded([&] { index->index->add_with_ids(count, vectors, ids); });
}

int clipkit_faiss_search(const clipkit_faiss_index *index, int64_t count, const float *queries, int64_t k,
                         float *scores, int64_t *ids) {
    if (!index->index->is_trained) return fail("the index is not trained: train it before searching");
    return guarded([&] { index->index->search(count, queries, k, scores, ids); });
}

int clipkit_faiss_set_parameter(clipkit_faiss_index *index, const char *name, double value) {
    return guarded([&] {
        faiss::ParameterSpace space;
        space.set_index_parameter(index->index->index, name, value);
    });
}

int clipkit_faiss_write(const clipkit_faiss_index *index, const char *path) {
    return guarded([&] { faiss::write_index(index->index.get(), path); });
}

int clipkit_faiss_read(const char *path, clipkit_faiss_index **result) {
    *result = nullptr;
    return guarded([&] {
        std::unique_ptr<faiss::Index> loaded(faiss::read_index(path));
        auto *mapped = dynamic_cast<faiss::IndexIDMap *>(loaded.get());
        if (mapped == nullptr) {
            throw std::runtime_error(std::string(path) + " holds a faiss index without an id map; it was not "
                                     "written by CLIPKit's ApproximateIndex (rebuild it with ApproximateIndex)");
        }
        loaded.release();
        *result = new clipkit_faiss_index{std::unique_ptr<faiss::IndexIDMap>(mapped)};
    });
}

}  // extern "C"
