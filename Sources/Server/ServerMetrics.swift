import CLIPKit
import Foundation
import Hummingbird
import Prometheus
import Tensor

/// What `/metrics` exposes in Prometheus' text format: requests by route, method and status,
/// request latencies by route, how many inputs each request's inference carried (and, for text,
/// how many model calls the dynamic batcher made for them) and how long the model
/// took, each store's size, the process's resident memory and the tensor buffer pool's bytes
/// (to watch a long-running server's memory). One registry per server, so servers in one process (tests) keep
/// their counts apart.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private static let latencyBuckets: [Duration] = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                                     .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                                                     .seconds(2.5), .seconds(5), .seconds(10)]

    /// Counts one answered request and records its latency.
    func requestFinished(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "clipkit", metricName: "http_requests", unitName: "total",
                                                              helpText: "HTTP requests answered"),
                             labels: [("route", route), ("method", method), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: MetricNameDescriptor(namespace: "clipkit", metricName: "http_request_duration",
                                                                        unitName: "seconds", helpText: "Time to answer a request"),
                                       labels: [("route", route)], buckets: Self.latencyBuckets).record(duration)
    }

    /// Records one inference call: its input count (`kind` text or image) and the model's time.
    func inference(kind: String, batch: Int, duration: Duration) {
        registry.makeValueHistogram(descriptor: MetricNameDescriptor(namespace: "clipkit", metricName: "inference_batch_size", unitName: "",
                                                                     helpText: "Inputs embedded per model call"),
                                    labels: [("kind", kind)], buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256]).record(Double(batch))
        registry.makeDurationHistogram(descriptor: MetricNameDescriptor(namespace: "clipkit", metricName: "inference_duration",
                                                                        unitName: "seconds", helpText: "Model time per call"),
                                       labels: [("kind", kind)], buckets: Self.latencyBuckets).record(duration)
    }

    /// Times `work` as one inference call of `batch` inputs.
    func timingInference<Result>(kind: String, batch: Int, _ work: () async throws -> Result) async rethrows -> Result {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await work()
        inference(kind: kind, batch: batch, duration: clock.now - start)
        return result
    }

    /// The exposition text, with the stores' sizes read now.
    func exposition(indexes: ServedIndexes) -> String {
        for collection in indexes.collections {
            if let counts = try? collection.counts() {
                registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "clipkit", metricName: "store_items", unitName: "",
                                                                    helpText: "Items in the store"),
                                   labels: [("index", collection.name)]).set(Double(counts.items))
                registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "clipkit", metricName: "store_embeddings", unitName: "",
                                                                    helpText: "Image embeddings in the store"),
                                   labels: [("index", collection.name)]).set(Double(counts.embeddings))
            }
            let batching = collection.textBatcher.statistics
            registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "clipkit", metricName: "text_model_calls", unitName: "",
                                                                helpText: "Text-tower calls since start (concurrent queries share one)"),
                               labels: [("index", collection.name)]).set(Double(batching.modelCalls))
            registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "clipkit", metricName: "text_model_inputs", unitName: "",
                                                                helpText: "Texts embedded since start; inputs / calls is the mean batch size"),
                               labels: [("index", collection.name)]).set(Double(batching.texts))
        }
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "clipkit", metricName: "buffer_pool", unitName: "bytes",
                                                            helpText: "Freed tensor buffers kept for reuse (BufferPool)"),
                           labels: []).set(Double(BufferPool.bytesHeld))
        if let resident = Self.residentMemoryBytes() {
            registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "process", metricName: "resident_memory", unitName: "bytes",
                                                                helpText: "Resident set size (RSS) of the server process"),
                               labels: []).set(Double(resident))
        }
        return registry.emitToString()
    }

    /// The process's resident set size from `/proc/self/statm` (resident pages × page size); nil
    /// where there is no such file (not Linux).
    static func residentMemoryBytes() -> Int? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// Feeds `ServerMetrics` with every request: the route is the matched pattern (`/items/{id}`),
/// never the raw path, so the label set stays small.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await next(request, context)
        metrics.requestFinished(route: context.endpointPath ?? "unmatched", method: request.method.rawValue,
                                status: response.status.code, duration: clock.now - start)
        return response
    }
}
