import CGDAL
import Foundation

/// One-time GDAL set-up: register drivers, keep GDAL's own messages off stderr (FarSide reports one line
/// per error itself), and bound the block cache so memory stays bounded on large rasters.
public enum GDALEnvironment {
    private static let once: Void = {
        GDALAllRegister()
        CPLSetErrorHandler(CPLQuietErrorHandler)
        if getenv("GDAL_CACHEMAX") == nil {
            GDALSetCacheMax64(256 * 1024 * 1024)
        }
        // Absolute paths in outputs' .aux.xml would leak into user folders: never write them.
        CPLSetConfigOption("GDAL_PAM_ENABLED", "NO")
    }()

    /// Sets GDAL's block cache to `bytes` unless the user chose one with GDAL_CACHEMAX. Streaming
    /// commands size it to a few tile rows: a small cache recycles hot memory instead of faulting in
    /// fresh pages for every tile, and keeps the memory bound.
    public static func setBlockCache(bytes: Int) {
        initialize()
        if getenv("GDAL_CACHEMAX") == nil { GDALSetCacheMax64(GIntBig(bytes)) }
    }

    /// Runs `body` with GDAL's block cache set to `bytes` (unless the user chose one with GDAL_CACHEMAX),
    /// then restores the previous size. A one-pass read of a large raster needs only a row of blocks at a
    /// time: a small cache recycles the same block memory instead of filling the default 256 MB with
    /// fresh pages that are never read again.
    public static func withBlockCache<T>(bytes: Int, _ body: () throws -> T) rethrows -> T {
        initialize()
        guard getenv("GDAL_CACHEMAX") == nil else { return try body() }
        let previous = GDALGetCacheMax64()
        GDALSetCacheMax64(GIntBig(bytes))
        defer { GDALSetCacheMax64(previous) }
        return try body()
    }

    /// Call before any GDAL use; cheap after the first time.
    public static func initialize() { _ = once }

    /// GDAL's last error message on this thread, or `fallback` when GDAL said nothing.
    public static func lastError(or fallback: String) -> String {
        guard let message = CPLGetLastErrorMsg(), message.pointee != 0 else { return fallback }
        let text = String(cString: message).split(whereSeparator: \.isNewline).joined(separator: " ")
        return text.isEmpty ? fallback : text
    }

    public static func resetError() { CPLErrorReset() }

    /// GDAL's release name, e.g. "GDAL 3.6.2, released 2023/01/02".
    public static var version: String { String(cString: GDALVersionInfo("--version")) }
}

/// A GDAL string list (`char **`) built from Swift strings; freed on deinit.
final class CStringList {
    private(set) var pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?

    init(_ items: [String] = []) {
        for item in items { pointer = CSLAddString(pointer, item) }
    }

    init(pairs: [(String, String)]) {
        for (key, value) in pairs { pointer = CSLSetNameValue(pointer, key, value) }
    }

    /// The same list as `const char * const *`, for APIs that take it that way.
    var constPointer: UnsafePointer<UnsafePointer<CChar>?>? {
        pointer.map { UnsafeRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self) }
    }

    deinit { CSLDestroy(pointer) }
}
