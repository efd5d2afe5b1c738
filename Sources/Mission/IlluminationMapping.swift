import Ephemeris
import Foundation
import GeoRaster
import Orbits
import Visibility

/// Where a map's horizons come from: a `farside horizon` file on the DEM's grid, or computed for the
/// window under `settings` (the margin rule of `HorizonSettings`).
public enum HorizonSource: Sendable, Equatable {
    case file(String)
    case compute(HorizonSettings)

    /// The window's horizons (`scratchDirectory`: where a cube larger than the memory budget goes).
    /// `observers` (row-major over the window; nil: all): when computed, only these cells' horizons are
    /// wanted, the others NaN (`HorizonOptions.observers`); a file's are read whole.
    public func horizons(_ dataset: RasterDataset, window: RasterWindow, threads: Int, scratchDirectory: String,
                         observers: [Bool]? = nil, progress: ((Double) -> Void)? = nil) throws -> WindowHorizons {
        switch self {
        case let .file(path):
            return try WindowHorizons.fromFile(path, dataset: dataset, window: window)
        case let .compute(settings):
            return try WindowHorizons.compute(dataset, window: window, settings: settings, threads: threads,
                                              scratchDirectory: scratchDirectory, observers: observers, progress: progress)
        }
    }

    /// Window edges must be multiples of this many cells for the illumination and relay engines' results not
    /// to depend on the window (`EngineTiles.blockAlignment`).
    public static func alignment(_ dataset: RasterDataset) throws -> Int {
        try EngineTiles.blockAlignment(transform: dataset.geoTransform, transformer: CoordinateTransformer(crs: dataset.crs),
                                       radius: dataset.radius)
    }

    /// Cells of terrain a window needs around it (0 for a file: its horizons are already computed).
    public func haloCells(cellSize: Double) -> Int {
        guard case let .compute(settings) = self else { return 0 }
        return Int((settings.marginKm * 1000 / cellSize).rounded(.up))
    }

    /// Bytes of a horizon file that `horizons` may write for `window` (0 when the cube stays in memory).
    public func scratchBytes(window: RasterWindow) -> Int64 {
        guard case let .compute(settings) = self, settings.cubeBytes(window) > settings.memoryBytes else { return 0 }
        var options = RasterWriteOptions(compression: .none)
        options.sampleType = .int16(scale: 0.01)
        return options.estimatedBytes(width: window.width, height: window.height, bands: settings.azimuths)
    }
}

/// `illumination` for one window of a DEM: sunlight, longest darkness, permanent shadow and Earth
/// visibility of the window's cells over a time window, from the window's horizons (computed with its
/// margin, or read from a horizon file). The engine's blocks are aligned to the raster's grid, so a cell's
/// result does not depend on the window it is computed in (given the same horizons).
public struct IlluminationMapping: Sendable {
    public var time: TimeWindow
    public var horizons: HorizonSource
    public var threads = 1

    public init(time: TimeWindow, horizons: HorizonSource) {
        self.time = time
        self.horizons = horizons
    }

    /// The files a run writes, as `rasters` names them.
    public static let fileNames = ["sun_fraction.tif", "max_darkness_h.tif", "psr.tif", "earth_fraction.tif"]

    /// The maps under their file names, with their band descriptions.
    public static func rasters(_ maps: IlluminationMaps) -> [(name: String, grid: Grid, band: BandSpec)] {
        [("sun_fraction.tif", maps.sunFraction, BandSpec(description: "mean visible fraction of the solar disc", unit: "1")),
         ("max_darkness_h.tif", maps.maxDarknessHours, BandSpec(description: "longest run of steps with no part of the solar disc visible", unit: "h")),
         ("psr.tif", maps.psr, BandSpec(description: "1 where no part of the Sun was ever visible in the window", unit: "1")),
         ("earth_fraction.tif", maps.earthFraction, BandSpec(description: "fraction of steps with the Earth's centre above the horizon", unit: "1"))]
    }

    /// GeoTIFF metadata recording the run's time window and model.
    public func metadata(ephemeris: any EphemerisSource, observerHeight: Double) -> [String: String] {
        time.metadata.merging(["EPHEMERIS": ephemeris.name, "OBSERVER_HEIGHT_M": "\(observerHeight)"]) { $1 }
    }

    /// Throws (bad input) unless `ephemeris` covers the time window.
    public func checkCoverage(_ ephemeris: any EphemerisSource) throws { try time.checkCoverage(ephemeris) }

    /// The engine's maps of `window` (raster cells) from its heights and horizons, the engine's blocks
    /// aligned to the raster's grid (`EngineTiles`).
    /// `fractionsOnly`: no darkness scan (`IlluminationEngine.fractionsOnly`).
    public func maps(_ dataset: RasterDataset, window: RasterWindow, dem: Grid, horizons: any HorizonProfiles, observerHeight: Double,
                     track: BodyTrack, fractionsOnly: Bool = false, progress: ((Double) -> Void)? = nil) throws -> IlluminationMaps {
        StageLog.note("illumination\(fractionsOnly ? " (fractions)" : ""): \(time.count) steps over \(window.width) x \(window.height) cells")
        var engine = IlluminationEngine()
        engine.fractionsOnly = fractionsOnly
        engine.threads = threads
        engine.observerHeight = observerHeight
        engine.radius = dataset.radius
        engine.windowHours = time.durationHours
        engine.rasterOrigin = RasterOrigin(row: window.row, column: window.column)
        engine.rasterTransform = dataset.geoTransform
        return try engine.run(dem: dem, transform: window.geoTransform(in: dataset.geoTransform), transformer: CoordinateTransformer(crs: dataset.crs),
                              horizon: horizons, track: track, stepHours: time.stepHours, progress: progress)
    }

    /// The window's maps and the horizons' notes.
    public func run(_ dataset: RasterDataset, window: RasterWindow, ephemeris: any EphemerisSource, scratchDirectory: String,
                    progress: ((Double) -> Void)? = nil) throws -> (maps: IlluminationMaps, observerHeight: Double, notes: [String]) {
        try checkCoverage(ephemeris)
        let acquired = try horizons.horizons(dataset, window: window, threads: threads, scratchDirectory: scratchDirectory,
                                             progress: { progress?(0.3 * $0) })
        defer { acquired.cleanUp() }
        let maps = try self.maps(dataset, window: window, dem: acquired.dem, horizons: acquired.profiles, observerHeight: acquired.observerHeight,
                                 track: BodyTrack.compute(ephemeris, window: time, threads: threads), progress: { progress?(0.3 + 0.7 * $0) })
        return (maps, acquired.observerHeight, acquired.notes)
    }
}

/// `relay` maps for one window of a DEM: relay and comms visibility and the longest relay gap of the
/// window's cells, from the window's horizons (as `IlluminationMapping`).
public struct RelayMapping: Sendable {
    public var time: TimeWindow
    public var horizons: HorizonSource
    public var constellation: Constellation
    public var minElevationDeg = 5.0
    public var maxRangeKm: Double?
    public var threads = 1

    public init(time: TimeWindow, horizons: HorizonSource, constellation: Constellation) {
        self.time = time
        self.horizons = horizons
        self.constellation = constellation
    }

    /// The files a run writes, as `rasters` names them.
    public static let fileNames = ["relay_fraction.tif", "relay_max_gap_h.tif", "comms_fraction.tif"]

    /// The maps under their file names, with their band descriptions.
    public static func rasters(_ maps: RelayMaps) -> [(name: String, grid: Grid, band: BandSpec)] {
        [("relay_fraction.tif", maps.relayFraction,
          BandSpec(description: "fraction of steps with a relay satellite above the horizon and minimum elevation", unit: "1")),
         ("relay_max_gap_h.tif", maps.relayMaxGapHours, BandSpec(description: "longest run of steps without a relay link", unit: "h")),
         ("comms_fraction.tif", maps.commsFraction, BandSpec(description: "fraction of steps with any link (relay or direct to Earth)", unit: "1"))]
    }

    /// GeoTIFF metadata recording the run's time window and links.
    public func metadata(orbit: String, observerHeight: Double) -> [String: String] {
        time.metadata.merging(["ORBIT": orbit, "MIN_ELEVATION_DEG": "\(minElevationDeg)", "ANTENNA_HEIGHT_M": "\(observerHeight)"]) { $1 }
    }

    /// Throws (bad input) unless `ephemeris` covers the time window.
    public func checkCoverage(_ ephemeris: any EphemerisSource) throws { try time.checkCoverage(ephemeris) }

    /// The engine's maps of `window` (raster cells) from its heights and horizons (as `IlluminationMapping.maps`).
    public func maps(_ dataset: RasterDataset, window: RasterWindow, dem: Grid, horizons: any HorizonProfiles, observerHeight: Double,
                     track: (satellites: [[SIMD3<Double>]], earth: [SIMD3<Double>]), progress: ((Double) -> Void)? = nil) throws -> RelayMaps {
        StageLog.note("relay: \(time.count) steps, \(constellation.satellites.count) satellite(s) over \(window.width) x \(window.height) cells")
        var engine = RelayMapEngine()
        engine.threads = threads
        engine.minElevationDeg = minElevationDeg
        engine.maxRangeKm = maxRangeKm
        engine.observerHeight = observerHeight
        engine.radius = dataset.radius
        engine.windowHours = time.durationHours
        engine.rasterOrigin = RasterOrigin(row: window.row, column: window.column)
        engine.rasterTransform = dataset.geoTransform
        return try engine.run(dem: dem, transform: window.geoTransform(in: dataset.geoTransform), transformer: CoordinateTransformer(crs: dataset.crs),
                              horizon: horizons, satellites: track.satellites, earth: track.earth, stepHours: time.stepHours, progress: progress)
    }

    /// The window's maps and the horizons' notes.
    public func run(_ dataset: RasterDataset, window: RasterWindow, ephemeris: any EphemerisSource, scratchDirectory: String,
                    progress: ((Double) -> Void)? = nil) throws -> (maps: RelayMaps, observerHeight: Double, notes: [String]) {
        try checkCoverage(ephemeris)
        let acquired = try horizons.horizons(dataset, window: window, threads: threads, scratchDirectory: scratchDirectory,
                                             progress: { progress?(0.3 * $0) })
        defer { acquired.cleanUp() }
        let maps = try self.maps(dataset, window: window, dem: acquired.dem, horizons: acquired.profiles, observerHeight: acquired.observerHeight,
                                 track: RelayTrack.sample(constellation, ephemeris: ephemeris, window: time), progress: { progress?(0.3 + 0.7 * $0) })
        return (maps, acquired.observerHeight, acquired.notes)
    }
}

extension TimeWindow {
    /// WINDOW_START, WINDOW_END, STEP_S and STEPS for GeoTIFF metadata.
    public var metadata: [String: String] {
        ["WINDOW_START": start.utcISO8601, "WINDOW_END": end.utcISO8601, "STEP_S": "\(step)", "STEPS": "\(count)"]
    }

    /// Throws (bad input) unless `ephemeris` covers the window.
    public func checkCoverage(_ ephemeris: any EphemerisSource) throws {
        guard ephemeris.coverage.contains(start), ephemeris.coverage.contains(end) else {
            throw FarSideError.badInput("{timeWindow}: outside the coverage of \(ephemeris.name) (\(ephemeris.coverage.lowerBound) ... \(ephemeris.coverage.upperBound))")
        }
    }
}
