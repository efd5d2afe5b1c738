import Foundation
import GeoRaster

/// Where a rover search on a raster's grid means what it says. On a geographic or cylindrical grid the
/// rows are parallels: near a pole a cell is far narrower than it is tall, so 8 or 16 grid moves cannot
/// follow most directions (a knight's move is still nearly north-south) and the pole and the longitude seam
/// join cells the grid keeps apart. Searches there are refused with the way out, not run wrong.
enum RouteGridCheck {
    /// The narrowest a geographic cell may be against its height (cos 60 deg: latitudes within 60 deg).
    static let minimumAspect = 0.5

    /// Throws (usage) when `window` of a lat/lon-like grid has rows whose cells are narrower than
    /// `minimumAspect` times their height; `what` names the search.
    static func check(_ dataset: RasterDataset, window: RasterWindow, what: String) throws {
        guard RasterDataset.isLatLonLike(dataset.crs) else { return }
        // True cell shapes on the sphere (whatever --distances says): great circles between cell centres.
        let transformer = try CoordinateTransformer(crs: dataset.crs)
        let c = Double(window.column) + 0.5
        for r in window.rows {
            let y = Double(r) + 0.5, dy = r + 1 < dataset.height ? 1.0 : -1.0
            guard let a = dataset.latLon(column: c, row: y, using: transformer), let east = dataset.latLon(column: c + 1, row: y, using: transformer),
                  let south = dataset.latLon(column: c, row: y + dy, using: transformer) else { continue }
            let width = RasterDataset.greatCircle(a, east, radius: dataset.radius), height = RasterDataset.greatCircle(a, south, radius: dataset.radius)
            guard width < minimumAspect * height else { continue }
            throw FarSideError.usage("\(what): \(dataset.path) is a lat/lon grid whose cells at latitude " + String(format: "%.1f", a.lat)
                                     + " are " + String(format: "%.0f", 100 * width / height) + " % as wide as tall; grid moves cannot follow "
                                     + "directions there: reproject to polar stereographic (gdalwarp -t_srs IAU_2015:30135)")
        }
    }
}
