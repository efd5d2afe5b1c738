import Foundation
import GeoRaster
@testable import Horizon
import Terrain
import HorizonTestSupport
import XCTest

/// One Int16 encoder: a horizon cube held in memory as centi-degrees and the same bands written to an
/// Int16 GeoTIFF and read back through GDAL give the same values, bit for bit, ties included.
final class HorizonStorageTests: XCTestCase {
    func testMemoryAndFileCentiDegreesAreIdentical() throws {
        let synthetic = try TerrainSynthesizer(preset: .southPole, size: 300, resolution: 100, seed: 4).generate()
        let options = HorizonOptions(azimuthCount: 24, threads: 2)
        let cube = HorizonMap.cube(synthetic.grid, dx: 100, dy: 100, options: options, storage: .int16CentiDegrees)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("farside-storage-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("h.tif").path
        var write = RasterWriteOptions(compression: .none)
        write.sampleType = .int16(scale: 0.01)
        let geometry = RasterGeometry(width: 300, height: 300, geoTransform: synthetic.geoTransform,
                                      crsWKT: try SpatialReference(definition: synthetic.crsDefinition).wkt)
        let writer = try RasterWriter(path: path, geometry: geometry, bands: (0..<24).map { BandSpec(description: "\($0)") }, options: write)
        try HorizonMap.streamAzimuths(synthetic.grid, dx: 100, dy: 100, options: options) { k, _, band in
            try band.withUnsafeMutableBufferPointer { try writer.write(consuming: $0, band: k + 1, row: 0, rows: 300) }
        }
        try writer.commit()
        let file = try RasterDataset.open(path)
        defer { file.close() }
        var differing = 0
        for k in 0..<24 {
            let read = try file.readBand(k + 1)
            for i in 0..<read.values.count where !(read.values[i].isNaN && cube.elevation(band: k, cell: i).isNaN) {
                if read.values[i].bitPattern != cube.elevation(band: k, cell: i).bitPattern { differing += 1 }
            }
        }
        XCTAssertEqual(differing, 0)
        // Ties round to even in both: 0.125 deg is 12.5 centi-degrees -> 12.
        XCTAssertEqual(HorizonCube.encode(0.125), 12)
        var buffer: [Float] = [0.125, 0.135, -0.125, .nan, 0.375, 90, -90, 45.005]
        buffer.withUnsafeMutableBytes { Int16Codes.pack($0.baseAddress!, count: 8, inverseScale: 100) }
        let packed = buffer.withUnsafeBytes { Array($0.bindMemory(to: Int16.self).prefix(8)) }
        XCTAssertEqual(packed, [0.125, 0.135, -0.125, .nan, 0.375, 90, -90, 45.005].map { HorizonCube.encode($0) })
    }
}
