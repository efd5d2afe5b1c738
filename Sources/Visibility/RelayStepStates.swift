import Foundation
import GeoRaster

extension StepStateEngine {
    /// Relay satellites for the link states, as `RelayMapEngine` takes them, with its rules.
    public struct Relays: Sendable {
        /// `satellites[s][t]`: Moon-centred ME positions (km) of each relay at each step of the body track.
        public var satellites: [[SIMD3<Double>]]
        /// A relay is linked when at least this high above the cell's local horizontal (and the terrain).
        public var minElevationDeg = 5.0
        /// ... and, when given, no farther than this (slant range).
        public var maxRangeKm: Double?
        /// `RelayMapEngine.tileSize` (0: its automatic size, half the illumination engine's).
        public var tileSize = 0
        /// `RelayMapEngine.interpolationTolerance`, degrees.
        public var interpolationTolerance = 0.002

        public init(satellites: [[SIMD3<Double>]], minElevationDeg: Double = 5, maxRangeKm: Double? = nil) {
            self.satellites = satellites
            self.minElevationDeg = minElevationDeg
            self.maxRangeKm = maxRangeKm
        }
    }

    /// `run` plus relay links: `relay` (steps with at least one relay linked, `RelayMapEngine`'s rules:
    /// elevation >= the minimum and >= the terrain horizon interpolated at the relay's azimuth, range
    /// within the maximum, per-tile corner interpolation with exact fallback) and `linked` (the Earth as
    /// `earth` says, or any relay).
    public func run(dem: Grid, transform: GeoTransform, transformer: CoordinateTransformer,
                    horizon: any HorizonProfiles, track: BodyTrack, relays: Relays) throws -> StepStates {
        var states = try run(dem: dem, transform: transform, transformer: transformer, horizon: horizon, track: track)
        let relay = try relayRuns(dem: dem, transform: transform, transformer: transformer, horizon: horizon,
                                  relays: relays, stepCount: track.count)
        states.relay = relay
        states.linked = Self.union(states.earth, relay)
        return states
    }

    /// Steps with at least one relay linked, per cell (nodata cells: none).
    public func relayRuns(dem: Grid, transform: GeoTransform, transformer: CoordinateTransformer,
                          horizon: any HorizonProfiles, relays: Relays, stepCount T: Int) throws -> StepRuns {
        precondition(horizon.width == dem.width && horizon.height == dem.height)
        precondition(relays.satellites.allSatisfy { $0.count == T }, "one relay position per step")
        let w = dem.width, h = dem.height
        guard !relays.satellites.isEmpty, T > 0 else { return StepRuns(cellCount: w * h, stepCount: T, all: false) }
        var engine = RelayMapEngine()
        engine.threads = threads
        engine.tileSize = relays.tileSize
        engine.rasterOrigin = rasterOrigin
        engine.rasterTransform = rasterTransform
        engine.minElevationDeg = relays.minElevationDeg
        engine.maxRangeKm = relays.maxRangeKm
        engine.observerHeight = observerHeight
        engine.radius = radius
        engine.interpolationTolerance = relays.interpolationTolerance
        let raster = try rasterOrigin.rasterTransform(window: transform, raster: rasterTransform)
        let tileSize = try RelayMapEngine.tileSize(relays.tileSize, transform: raster, transformer: transformer, radius: radius)
        let set = TileRunSet(width: w, height: h, origin: rasterOrigin, tileSize: tileSize)
        try BlockTiles.forEach(width: w, height: h, origin: rasterOrigin, tileSize: tileSize, horizon: horizon, threads: threads,
                               progress: nil) { rows, columns, source in
            let cells = rows.count * columns.count
            var open = [UInt32](repeating: .max, count: cells)
            var events: [(cell: UInt32, run: StepRuns.Run)] = []
            try engine.runTile(rows: rows, columns: columns, dem: dem, raster: raster, transformer: transformer, horizon: source,
                               bodies: relays.satellites, withEarth: false, stepHours: 1, out: nil) { t, linked in
                for i in 0..<cells {
                    if linked[i] {
                        if open[i] == .max { open[i] = UInt32(t) }
                    } else if open[i] != .max {
                        events.append((UInt32(i), StepRuns.Run(start: open[i], end: UInt32(t))))
                        open[i] = .max
                    }
                }
            }
            for i in 0..<cells where open[i] != .max { events.append((UInt32(i), StepRuns.Run(start: open[i], end: UInt32(T)))) }
            set.store(TileRuns(cells: cells, events: events), rows: rows, columns: columns)
        }
        return set.assemble(stepCount: T, threads: threads)
    }

    /// Per cell, the steps in which `a` or `b` holds (both over the same cells and steps).
    public static func union(_ a: StepRuns, _ b: StepRuns) -> StepRuns {
        precondition(a.cellCount == b.cellCount && a.stepCount == b.stepCount)
        var builder = StepRuns.Builder(stepCount: a.stepCount)
        var merged: [StepRuns.Run] = []
        for cell in 0..<a.cellCount {
            let x = a.runs(of: cell), y = b.runs(of: cell)
            merged.removeAll(keepingCapacity: true)
            var i = x.startIndex, j = y.startIndex
            while i < x.endIndex || j < y.endIndex {
                let next: StepRuns.Run
                if j == y.endIndex || (i < x.endIndex && x[i].start <= y[j].start) {
                    next = x[i]; i += 1
                } else {
                    next = y[j]; j += 1
                }
                if let last = merged.last, next.start <= last.end {
                    merged[merged.count - 1].end = max(last.end, next.end)  // overlapping or touching: one run
                } else {
                    merged.append(next)
                }
            }
            builder.append(cellRuns: merged)
        }
        return builder.build()
    }
}
