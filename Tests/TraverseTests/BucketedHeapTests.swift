import XCTest
import FarSideCore
@testable import Traverse

/// `BucketedHeap` pops exactly what one swift-collections `Heap` would: the least element every time, for
/// inserts at or after the last key popped (Dijkstra's order), ties included by the elements' own order,
/// and for out-of-order inserts into a passed bucket.
final class BucketedHeapTests: XCTestCase {
    struct Item: BucketKeyed {
        var key: Double
        var tie: Int
        var bucketKey: Double { key }
        static func < (a: Item, b: Item) -> Bool { a.key < b.key || (a.key == b.key && a.tie < b.tie) }
    }

    func testPopsInTheHeapsOrder() {
        var rng = SplitMix64(seed: 42)
        for width in [0.001, 1, 37.5, 1000] {
            var queue = BucketedHeap<Item>(width: width)
            var reference: [Item] = []
            var last = 0.0, popped = 0
            for step in 0..<5_000 {
                // Mostly inserts at or after the last key popped (some exactly on it, some on bucket edges),
                // some far ahead, a few before it (out of order).
                let r = rng.next() % 100
                if r < 60 || reference.isEmpty {
                    var key: Double
                    switch rng.next() % 5 {
                    case 0: key = last
                    case 1: key = (last / width).rounded(.up) * width
                    case 2: key = last + Double(rng.next() % 1_000_000) / 10
                    case 3: key = r < 3 ? max(0, last - 1) : last + Double(rng.next() % 100) / 1000
                    default: key = last + Double(rng.next() % 5000)
                    }
                    let item = Item(key: key, tie: Int(rng.next() % 4))
                    queue.insert(item)
                    reference.append(item)
                } else {
                    guard let got = queue.popMin() else { XCTFail("empty with \(reference.count) left"); return }
                    let i = reference.indices.min { reference[$0] < reference[$1] }!
                    let want = reference.remove(at: i)
                    XCTAssertFalse(got < want || want < got, "step \(step), width \(width): popped \(got), the least is \(want)")
                    last = max(last, got.key)
                    popped += 1
                }
                XCTAssertEqual(queue.count, reference.count)
            }
            while let got = queue.popMin() {
                let i = reference.indices.min { reference[$0] < reference[$1] }!
                let want = reference.remove(at: i)
                XCTAssertFalse(got < want || want < got, "draining, width \(width): popped \(got), the least is \(want)")
            }
            XCTAssertTrue(reference.isEmpty)
            XCTAssertGreaterThan(popped, 500)
        }
    }

    func testKeysBeyondTheLastBucketStayInOrder() {
        var queue = BucketedHeap<Item>(width: 1e-9)
        let keys: [Double] = [5, 1e12, 3, .greatestFiniteMagnitude, 2e12, 4]
        for (i, k) in keys.enumerated() { queue.insert(Item(key: k, tie: i)) }
        var out: [Double] = []
        while let e = queue.popMin() { out.append(e.key) }
        XCTAssertEqual(out, keys.sorted())
    }
}
