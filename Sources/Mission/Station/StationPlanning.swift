import Ephemeris
import Foundation
import GeoRaster
import SiteSelection
import Traverse
import Visibility

/// `station` as an engine call: an ILRS station layout from a station profile.
///
/// 1. The base: the profile's base criteria and landing ellipse score every cell of the region
///    (`SiteRanking`, the same scorer as `rank`); the best `candidates` feasible sites, at least
///    `min_separation_m` apart, each seed one layout.
/// 2. From each base, one search of the rover's cost to every cell (`CostDistance`, 16 neighbours, the
///    rover's passability: slope, roughness, permanent shadow), stopped at the largest element limit.
/// 3. Power sites: among the cells within `power.max_cost` of the base and no steeper than
///    `power.max_slope_deg`, the `count` best by power score = (sun fraction + (1 - longest darkness /
///    window)) / 2 (equal scores: the nearer to the base), at least `min_separation_m` apart (`Ranking.top`). The communications site: the
///    cell within `comms.max_cost` with the highest comms layer. Ice: the permanently shadowed cell (sun
///    fraction 0 over the window; for a rover that may not enter shadow, a passable cell next to one)
///    cheapest to reach within `ice.max_cost`; its score is 1 - cost / max_cost.
///    With a timed rover, the ice element also gets its dated arrival (`SiteShadowAccess`, the search of
///    `traverse --to-psr` from the base, leaving at the window's start: waits for sunlight and links
///    included); the choice and the score stay on the static driving cost.
/// 4. A layout's objective is the weighted mean of the base's score, the power sites' mean power score, the
///    comms value and the ice score (`weights`); a layout missing an element is infeasible, with the reason.
/// Every element lies in the region's window (the search does not leave it).
public enum StationPlanning {
    public static func run(_ dataset: RasterDataset, profile: StationProfile, ephemeris: any EphemerisSource, threads: Int,
                           horizons: HorizonSettings = HorizonSettings(), scratchDirectory: String? = nil,
                           progress: @escaping (Double) -> Void = { _ in }) throws -> StationResult {
        let base = profile.base
        let grid = try SiteGrid(dataset: dataset, region: base.region)
        try RouteGridCheck.check(dataset, window: grid.window, what: "station")
        // Layers: the base's, and those of the elements (zero-weight criteria only ask for the layers).
        var layersProfile = base
        func ask(_ layer: Layer, max: Double? = nil) { layersProfile.criteria.append(.init(layer: layer, min: nil, max: max, membership: nil, weight: 0)) }
        for layer in [Layer.slope, .roughness, .sunFraction, .maxDarknessHours, profile.commsLayer] { ask(layer) }
        let iceReach = min(profile.reachM(cost: profile.iceMaxCost), 1e7)
        ask(.psrDistance, max: iceReach)
        let stack = try LayerStack.compute(profile: layersProfile, grid: grid, ephemeris: ephemeris, threads: threads, horizons: horizons,
                                           scratchDirectory: scratchDirectory, progress: { progress(0.8 * $0) })
        let ranking = try SiteRanking.run(profile: base, grid: grid, stack: stack, threads: threads)
        let feasibleBases = ranking.sites.filter(\.feasible)
        func layer(_ l: Layer) throws -> Grid {
            guard let g = stack.layers[l] else { throw FarSideError.failure("layer \(l) was not computed") }
            return g
        }
        let dem = try layer(.elevation), slope = try layer(.slope), roughness = try layer(.roughness)
        let sun = try layer(.sunFraction), darkness = try layer(.maxDarknessHours), comms = try layer(profile.commsLayer)
        let psr = try layer(.psrDistance).values.map { $0 == 0 }
        let rover = profile.rover
        let n = grid.width * grid.height
        let passable = rover.passable(dem: dem, slope: slope, roughness: roughness, psr: psr)
        let metrics = grid.cellMetrics.rows(grid.rows)
        let surface = TraverseSurface(elevation: dem, passable: passable, metrics: metrics)
        let terrain = WindowTerrain(dataset: dataset, window: grid.window, dem: dem, slope: slope, roughness: roughness)
        let context = RouteContext(window: grid.window, dataset: dataset, transformer: grid.transformer, terrain: terrain, surface: surface,
                                   rover: rover, neighbourhood: .sixteen)
        let windowHours = base.end.map { $0.tdbSecondsPastJ2000 - base.start!.tdbSecondsPastJ2000 }.map { $0 / 3600 } ?? 1
        let powerScore = Grid(width: grid.width, height: grid.height, values: (0..<n).map { i in
            Float((Double(sun.values[i]) + max(0, 1 - Double(darkness.values[i]) / windowHours)) / 2)
        })
        // Ice targets: shadowed cells, or for a rover kept out of shadow the passable cells next to one.
        let ice = ShadowTargets.cells(psr: psr, passable: passable, width: grid.width, height: grid.height, enterPSR: rover.enterPSR)
        let limit = max(profile.power.maxCost, profile.commsMaxCost, profile.iceMaxCost) / rover.costScale
        var layouts: [StationLayout] = []
        for (k, site) in feasibleBases.enumerated() {
            let baseCell = site.row * grid.width + site.column
            let field = CostDistance.compute(surface: surface, sources: [baseCell], motion: rover.motion, neighbourhood: .sixteen, costLimit: limit)
            func within(_ maxCost: Double) -> (Int) -> Bool { { Double(field.cost[$0]) * rover.costScale <= maxCost } }
            func element(_ kind: StationElement.Kind, _ number: Int, cell: Int, score: Double, reason: String) -> StationElement {
                let v = context.vertex(cell, previous: nil)
                let path = kind == .base ? nil : RouteTrace.trace(field: field, surface: surface, motion: rover.motion, neighbourhood: .sixteen, to: cell)
                return StationElement(kind: kind, number: number, row: v.row, column: v.column, lat: v.lat, lon: v.lon, x: v.x, y: v.y,
                                      cost: Double(field.cost[cell]) * rover.costScale, score: score, reason: reason, route: path.map(context.vertices))
            }
            var elements = [element(.base, 1, cell: baseCell, score: Double(site.score),
                                    reason: String(format: "base site %d of the ranking: score %.3f", site.rank, site.score))]
            elements[0].cost = 0
            guard passable[baseCell] else {
                let why = rover.refusal(cell: baseCell, dem: dem, slope: slope, roughness: roughness, psr: psr)
                layouts.append(StationLayout(rank: 0, baseRank: k + 1, elements: elements, score: .nan, feasible: false,
                                             reason: "the rover \(rover.name) cannot drive from this base (\(why))"))
                continue
            }
            var missing: [String] = []
            // Power.
            let powerOK = within(profile.power.maxCost)
            let powerFeasible = Grid(width: grid.width, height: grid.height, values: (0..<n).map { i in
                powerOK(i) && Double(slope.values[i]) <= profile.power.maxSlopeDeg && !psr[i] ? 1 : 0
            })
            // Equal power scores (a fully lit ridge) go to the site nearer the base: 1e-4 of the score per cost limit.
            let tieBroken = Grid(width: grid.width, height: grid.height, values: (0..<n).map { i in
                powerFeasible.values[i] == 1 ? powerScore.values[i] - Float(1e-4 * Double(field.cost[i]) * rover.costScale / profile.power.maxCost) : .nan
            })
            let power = Ranking.top(profile.power.count, score: tieBroken, feasible: powerFeasible, metrics: metrics, minSeparation: profile.power.minSeparationM)
            if power.count < profile.power.count { missing.append("only \(power.count) of \(profile.power.count) power sites within \(profile.power.maxCost) \(rover.costUnit)") }
            for (j, p) in power.enumerated() {
                let i = p.row * grid.width + p.column
                elements.append(element(.power, j + 1, cell: i, score: Double(powerScore.values[i]), reason: String(
                    format: "sun fraction %.3f, longest darkness %.0f h, %.2f %@ from the base (best power score within %g %@)",
                    sun.values[i], darkness.values[i], Double(field.cost[i]) * rover.costScale, rover.costUnit, profile.power.maxCost, rover.costUnit)))
            }
            // Communications.
            let commsOK = within(profile.commsMaxCost)
            let commsFeasible = Grid(width: grid.width, height: grid.height, values: (0..<n).map { commsOK($0) ? 1 : 0 })
            if let c = Ranking.top(1, score: comms, feasible: commsFeasible, metrics: metrics, minSeparation: 0).first {
                let i = c.row * grid.width + c.column
                elements.append(element(.comms, 1, cell: i, score: Double(c.score), reason: String(
                    format: "%@ %.3f, %.2f %@ from the base (highest within %g %@)", profile.commsLayer.name, c.score,
                    Double(field.cost[i]) * rover.costScale, rover.costUnit, profile.commsMaxCost, rover.costUnit)))
            } else {
                missing.append("no communications site within \(profile.commsMaxCost) \(rover.costUnit)")
            }
            // Ice: the cheapest shadowed cell to reach.
            var best: Int?
            for i in 0..<n where ice[i] && field.cost[i].isFinite && Double(field.cost[i]) * rover.costScale <= profile.iceMaxCost {
                if best == nil || field.cost[i] < field.cost[best!] { best = i }
            }
            if let i = best {
                let cost = Double(field.cost[i]) * rover.costScale
                elements.append(element(.ice, 1, cell: i, score: 1 - cost / profile.iceMaxCost, reason: String(
                    format: "nearest permanently shadowed %@: %.2f %@ from the base (limit %g %@)", rover.enterPSR ? "cell" : "rim cell",
                    cost, rover.costUnit, profile.iceMaxCost, rover.costUnit)))
            } else {
                missing.append("no permanently shadowed cell within \(profile.iceMaxCost) \(rover.costUnit)")
            }
            let w = profile.weights
            func mean(_ kind: StationElement.Kind) -> Double {
                let s = elements.filter { $0.kind == kind }.map(\.score)
                return s.isEmpty ? 0 : s.reduce(0, +) / Double(s.count)
            }
            let feasible = missing.isEmpty
            let score = feasible ? (w.base * mean(.base) + w.power * mean(.power) + w.comms * mean(.comms) + w.ice * mean(.ice)) / w.total : .nan
            let reason = feasible
                ? String(format: "base %.3f, power %.3f, comms %.3f, ice %.3f (weights %g/%g/%g/%g)", mean(.base), mean(.power), mean(.comms),
                         mean(.ice), w.base, w.power, w.comms, w.ice)
                : missing.joined(separator: "; ")
            layouts.append(StationLayout(rank: 0, baseRank: k + 1, elements: elements, score: score, feasible: feasible, reason: reason))
            progress(0.8 + 0.2 * Double(k + 1) / Double(feasibleBases.count))
        }
        // The ice with the rover's time rules: from each base, leaving at the window's start.
        if rover.time != nil, let start = base.start, let end = base.end,
           case let withIce = layouts.indices.filter({ i in layouts[i].elements.contains { $0.kind == .ice } }), !withIce.isEmpty {
            let origins = withIce.map { i in layouts[i].elements.first { $0.kind == .base }! }.map { GeoPoint(lat: $0.lat, lon: $0.lon) }
            let dated = try SiteShadowAccess.compute(dataset, origins: origins, rover: rover, time: TimeWindow(start: start, end: end, step: base.stepSeconds),
                                                     reachM: iceReach, profile: base, ephemeris: ephemeris, horizons: horizons, threads: threads,
                                                     scratchDirectory: scratchDirectory ?? NSTemporaryDirectory())
            for (i, access) in zip(withIce, dated) {
                let e = layouts[i].elements.firstIndex { $0.kind == .ice }!
                layouts[i].elements[e].datedShadow = access
                layouts[i].elements[e].reason += access.arrivalHours.map { arrival in
                    String(format: "; leaving the base at the window's start, in permanent shadow after %.2f h%@ (%.2f h of it waiting for sunlight and links)",
                           arrival, access.proven ? "" : String(format: ", at least %.2f h", access.lowerBoundHours ?? 0), access.waitHours ?? 0)
                } ?? "; with the time rules: \(access.note ?? "no arrival")"
            }
        }
        layouts.sort { a, b in
            if a.feasible != b.feasible { return a.feasible }
            if a.feasible && a.score != b.score { return a.score > b.score }
            return a.baseRank < b.baseRank
        }
        for i in layouts.indices { layouts[i].rank = i + 1 }
        var notes = stack.notes
        if feasibleBases.isEmpty { notes.append("no feasible base site in the region: no layout") }
        return StationResult(layouts: layouts, window: grid.window, crsWKT: dataset.crs.wkt, feasibleBaseCount: feasibleBases.count, notes: notes)
    }
}
