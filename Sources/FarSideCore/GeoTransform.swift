/// GDAL's affine geotransform: x = c0 + col*c1 + row*c2, y = c3 + col*c4 + row*c5 (pixel corners).
public struct GeoTransform: Sendable, Equatable {
    public var coefficients: [Double]

    public init(_ coefficients: [Double]) {
        precondition(coefficients.count == 6)
        self.coefficients = coefficients
    }

    public init(originX: Double, originY: Double, pixelWidth: Double, pixelHeight: Double) {
        self.coefficients = [originX, pixelWidth, 0, originY, 0, pixelHeight]
    }

    public var originX: Double { coefficients[0] }
    public var originY: Double { coefficients[3] }
    public var pixelWidth: Double { coefficients[1] }
    public var pixelHeight: Double { coefficients[5] }

    /// True when the grid has rotation or shear terms (FarSide refuses those).
    public var isRotated: Bool { coefficients[2] != 0 || coefficients[4] != 0 }

    /// Map coordinates of a fractional pixel position (0,0 is the upper-left corner of the first cell).
    public func map(column: Double, row: Double) -> (x: Double, y: Double) {
        (coefficients[0] + column * coefficients[1] + row * coefficients[2],
         coefficients[3] + column * coefficients[4] + row * coefficients[5])
    }

    /// Fractional pixel position of map coordinates (north-up or south-up grids without rotation).
    public func pixel(x: Double, y: Double) -> (column: Double, row: Double) {
        ((x - coefficients[0]) / coefficients[1], (y - coefficients[3]) / coefficients[5])
    }

    /// The geotransform of a window starting at (column, row).
    public func offset(column: Int, row: Int) -> GeoTransform {
        let origin = map(column: Double(column), row: Double(row))
        var c = coefficients
        c[0] = origin.x
        c[3] = origin.y
        return GeoTransform(c)
    }
}
