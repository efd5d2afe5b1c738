import GeoRaster

/// Output storage for terrain products, reused block after block so streaming allocates once.
public struct TerrainBuffers: @unchecked Sendable {
    public let width: Int
    public let capacityRows: Int
    public let products: Set<TerrainProduct>
    private var storage: [TerrainProduct: UnsafeMutableBufferPointer<Float>]
    private final class Owner {
        var buffers: [UnsafeMutableBufferPointer<Float>] = []
        deinit { buffers.forEach { $0.deallocate() } }
    }
    private let owner = Owner()

    public init(width: Int, rows: Int, products: Set<TerrainProduct>) {
        self.width = width
        self.capacityRows = rows
        self.products = products
        storage = [:]
        for p in products {
            let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, width * rows))
            b.initialize(repeating: .nan)
            storage[p] = b
            owner.buffers.append(b)
        }
    }

    /// Start of a product's storage, nil when it was not requested.
    public func pointer(_ product: TerrainProduct) -> UnsafeMutablePointer<Float>? { storage[product]?.baseAddress }

    /// The first `rows` rows of a product's storage.
    public func buffer(_ product: TerrainProduct, rows: Int) -> UnsafeMutableBufferPointer<Float>? {
        storage[product].map { UnsafeMutableBufferPointer(rebasing: $0[0..<(rows * width)]) }
    }

    /// Copies the first `rows` rows of every product into grids.
    public func grids(rows: Int) -> [TerrainProduct: Grid] {
        storage.mapValues { Grid(width: width, height: rows, values: Array($0[0..<(rows * width)])) }
    }
}
