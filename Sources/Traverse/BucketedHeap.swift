import HeapModule

/// An element of a `BucketedHeap`: its order, and a key consistent with it (a < b implies a.bucketKey <=
/// b.bucketKey): the search's cost (seconds of arrival, or the rover's cost unit).
protocol BucketKeyed: Comparable {
    var bucketKey: Double { get }
}

/// A monotone priority queue for label-setting searches, whose inserts never fall below the last key popped
/// (Dijkstra's order): the keys are cut into buckets of `width`; the current bucket is a
/// swift-collections `Heap`, later buckets are plain arrays, each turned into the heap (in O(n), Floyd's
/// construction) when the search reaches it. This is the two-level bucket structure of Denardo & Fox
/// (1979, "Shortest-route methods: 1. Reaching, pruning, and buckets") and of Cherkassky, Goldberg &
/// Radzik's study of shortest-path queues (1996): an insert into a later bucket is an append, and the heap
/// that pays the logarithm holds one bucket, small enough to stay in cache.
///
/// The order popped is the heap's exactly: every element in the current heap lies in a bucket no later than
/// the current one, so before every element of a later bucket. (An insert whose bucket has already been
/// passed goes into the current heap, so an out-of-order insert is still popped first, as from one heap.)
/// On the 2048^2 30-day VIPER-class traverse, the one swift-collections `Heap` of all pending families
/// (56-byte entries, hundreds of thousands at once) took 13 % of the run in `popMin`'s trickle-down;
/// the static search's heap (time objective, 2048^2) 27 % of the search.
struct BucketedHeap<Element: BucketKeyed> {
    private var heap = Heap<Element>()
    /// Bucket b holds the elements whose key lies in [b * width, (b + 1) * width), for b after `current`.
    private var buckets: [[Element]] = []
    /// The bucket the heap holds; the buckets before it are empty.
    private var current = 0
    private let width: Double
    private(set) var count = 0
    private static var lastBucket: Int { 1 << 20 }

    /// - Parameter width: key per bucket (positive; the greatest finite value makes it one plain heap).
    init(width: Double) {
        precondition(width > 0)
        self.width = width
    }

    @inline(__always)
    private func bucket(_ key: Double) -> Int {
        let b = (key / width).rounded(.down)
        return b < Double(Self.lastBucket) ? max(Int(b), 0) : Self.lastBucket   // (keys beyond share the last bucket, in order)
    }

    mutating func insert(_ e: Element) {
        count += 1
        let b = bucket(e.bucketKey)
        if b <= current { heap.insert(e); return }
        if b >= buckets.count { buckets.append(contentsOf: repeatElement([], count: b + 1 - buckets.count)) }
        buckets[b].append(e)
    }

    mutating func popMin() -> Element? {
        guard count > 0 else { return nil }
        if heap.isEmpty {
            // The next non-empty bucket becomes the heap.
            var b = current + 1
            while buckets[b].isEmpty { b += 1 }
            heap = Heap(buckets[b])
            buckets[b] = []
            current = b
        }
        count -= 1
        return heap.popMin()
    }
}
