import CGDAL
import Foundation

/// An 8-bit RGB image (row-major, 3 bytes per pixel).
public struct RGBImage: Sendable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
    }

    public subscript(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
        get { let i = (y * width + x) * 3; return (pixels[i], pixels[i + 1], pixels[i + 2]) }
        set { let i = (y * width + x) * 3; pixels[i] = newValue.0; pixels[i + 1] = newValue.1; pixels[i + 2] = newValue.2 }
    }

    /// PNG bytes through GDAL's PNG driver (a MEM dataset copied with CreateCopy to /vsimem).
    public func pngData() throws -> Data {
        GDALEnvironment.initialize()
        guard let mem = GDALGetDriverByName("MEM"), let png = GDALGetDriverByName("PNG") else { throw FarSideError.failure("GDAL lacks MEM/PNG drivers") }
        guard let ds = GDALCreate(mem, "", Int32(width), Int32(height), 3, GDT_Byte, nil) else { throw FarSideError.failure("cannot create image") }
        defer { GDALClose(ds) }
        for b in 0..<3 {
            var band = [UInt8](repeating: 0, count: width * height)
            for i in 0..<(width * height) { band[i] = pixels[i * 3 + b] }
            let err = band.withUnsafeMutableBytes {
                GDALRasterIO(GDALGetRasterBand(ds, Int32(b + 1)), GF_Write, 0, 0, Int32(width), Int32(height), $0.baseAddress, Int32(width), Int32(height), GDT_Byte, 0, 0)
            }
            guard err == CE_None else { throw FarSideError.failure("cannot fill image") }
        }
        let name = "/vsimem/farside-\(UUID().uuidString).png"
        guard let out = GDALCreateCopy(png, name, ds, 0, nil, nil, nil) else { throw FarSideError.failure("PNG encoding failed") }
        GDALClose(out)
        defer { VSIUnlink(name) }
        var length: vsi_l_offset = 0
        guard let bytes = VSIGetMemFileBuffer(name, &length, 0) else { throw FarSideError.failure("PNG encoding failed") }
        return Data(bytes: bytes, count: Int(length))
    }

    /// Writes the PNG to `path` (temporary name, then rename; or staged in `outputSet`).
    public func writePNG(to path: String, outputSet: OutputSet? = nil) throws {
        let data = try pngData()
        if let outputSet { return try outputSet.write(data, to: path) }
        let set = try OutputSet(file: path, estimatedBytes: Int64(data.count))
        try set.run { try set.write(data, to: path) }
    }
}
