import Foundation
import GeoRaster
import Traverse

/// What a route's vertices are described with: the window's terrain and georeferencing.
struct RouteContext {
    let window: RasterWindow
    let dataset: RasterDataset
    let transformer: CoordinateTransformer
    let terrain: WindowTerrain
    let surface: TraverseSurface
    let rover: RoverProfile
    let neighbourhood: Neighbourhood

    /// The vertex of window cell `cell`, reached from `previous` (nil at the start) with `distance` and
    /// `cost` accumulated before this move.
    func vertex(_ cell: Int, previous: RouteVertex?) -> RouteVertex {
        let r = cell / window.width, c = cell % window.width
        let row = window.row + r, column = window.column + c
        let xy = dataset.geoTransform.map(column: Double(column) + 0.5, row: Double(row) + 0.5)
        let ll = transformer.latLon(x: xy.x, y: xy.y) ?? (.nan, .nan)
        let z = Double(surface.elevation[cell])
        var v = RouteVertex(row: row, column: column, x: xy.x, y: xy.y, lat: ll.lat, lon: ll.lon, elevation: z,
                            slopeDeg: terrain.slope(at: cell), gradeDeg: 0, distanceM: 0, cost: 0)
        if let p = previous {
            let offset = SIMD2<Int32>(Int32(row - p.row), Int32(column - p.column))
            let length = Neighbourhood.length(offset, row: p.row - window.row, metrics: surface.metrics)
            let rise = z - p.elevation
            v.gradeDeg = rover.motion.grade(length: length, rise: rise)
            v.distanceM = p.distanceM + length
            v.cost = p.cost + (rover.motion.cost(length: length, rise: rise) ?? .nan) * rover.costScale
        }
        return v
    }

    /// Vertices of a path of window cells (origin first).
    func vertices(_ path: [Int]) -> [RouteVertex] {
        var out: [RouteVertex] = []
        out.reserveCapacity(path.count)
        for cell in path { out.append(vertex(cell, previous: out.last)) }
        return out
    }
}
