import ArgumentParser
import Ephemeris
import Foundation
import GeoRaster

/// `farside sun --lat LAT --lon LON --time ISO [--height-m H] [--kernels DIR] [--json]`.
struct SunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sun",
        abstract: "Sun and Earth as seen from a point on the Moon: azimuth, elevation, sub-solar and sub-Earth points.",
        discussion: """
            Directions are apparent (light time and stellar aberration, as SPICE's LT+S) in the Moon's \
            mean-Earth frame (MOON_ME_DE421, the frame of LOLA products), from the built-in analytical \
            ephemeris (within 0.005 deg of DE421) or from SPICE kernels with --kernels. Azimuth is \
            clockwise from local north; elevations are of the body's centre above the local horizontal \
            plane of a point on the 1,737,400 m sphere (plus --height-m).
            """
    )

    @Option(parsing: .unconditional, help: "Planetocentric latitude, degrees.")
    var lat: Double

    @Option(parsing: .unconditional, help: "East longitude, degrees (-180..360).")
    var lon: Double

    @Option(help: "UTC time, ISO 8601 (e.g. 2024-06-01T22:23:00Z).")
    var time: String

    @Option(name: .customLong("height-m"), parsing: .unconditional, help: "Height above the reference sphere, metres.")
    var heightM: Double = 0

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var ephemeris: EphemerisOptions

    func validate() throws {
        guard lat.isFinite, abs(lat) <= 90 else { throw ValidationError("--lat \(lat): must be -90 ... 90") }
        guard lon.isFinite, lon >= -180, lon <= 360 else { throw ValidationError("--lon \(lon): must be -180 ... 360") }
        guard heightM.isFinite, abs(heightM) < 100_000 else { throw ValidationError("--height-m \(heightM): must be within 100 km of the surface") }
    }

    struct Report: Codable {
        var time_utc: String
        var lat_deg: Double
        var lon_deg: Double
        var height_m: Double
        var ephemeris: String
        var sun_azimuth_deg: Double
        var sun_elevation_deg: Double
        var sun_distance_km: Double
        var sun_angular_radius_deg: Double
        var subsolar_lat_deg: Double
        var subsolar_lon_deg: Double
        var earth_azimuth_deg: Double
        var earth_elevation_deg: Double
        var earth_distance_km: Double
        var subearth_lat_deg: Double
        var subearth_lon_deg: Double
    }

    func run() throws {
        let epoch = try parseTime(time, option: "--time")
        let source = try ephemeris.source()
        guard source.coverage.contains(epoch) else {
            throw FarSideError.badInput("--time \(time): outside the coverage of \(source.name) (\(source.coverage.lowerBound) ... \(source.coverage.upperBound))")
        }
        let longitude = CoordinateTransformer.wrapLongitude(lon)
        let sun = source.horizontal(of: .sun, at: epoch, latitude: lat, longitude: longitude, heightMeters: heightM)
        let earth = source.horizontal(of: .earth, at: epoch, latitude: lat, longitude: longitude, heightMeters: heightM)
        let subSolar = source.subSolarPoint(at: epoch), subEarth = source.subEarthPoint(at: epoch)
        let sunDistance = source.sunDistanceKm(at: epoch)
        let report = Report(
            time_utc: epoch.utcISO8601, lat_deg: lat, lon_deg: longitude, height_m: heightM, ephemeris: source.name,
            sun_azimuth_deg: sun.azimuth, sun_elevation_deg: sun.elevation, sun_distance_km: sunDistance,
            sun_angular_radius_deg: Topocentric.solarAngularRadiusDegrees(distanceKm: sunDistance),
            subsolar_lat_deg: subSolar.latitude, subsolar_lon_deg: subSolar.longitude,
            earth_azimuth_deg: earth.azimuth, earth_elevation_deg: earth.elevation, earth_distance_km: earth.distanceKm,
            subearth_lat_deg: subEarth.latitude, subearth_lon_deg: subEarth.longitude)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            func f(_ v: Double, _ d: Int = 3) -> String { String(format: "%.\(d)f", v) }
            print("""
                Time: \(report.time_utc) (\(source.name))
                Site: lat \(f(lat, 4)), lon \(f(longitude, 4)), height \(f(heightM, 1)) m
                Sun:   azimuth \(f(sun.azimuth)) deg, elevation \(f(sun.elevation)) deg, distance \(f(sunDistance, 0)) km, disc radius \(f(report.sun_angular_radius_deg, 4)) deg
                Earth: azimuth \(f(earth.azimuth)) deg, elevation \(f(earth.elevation)) deg, distance \(f(earth.distanceKm, 0)) km
                Sub-solar point: lat \(f(subSolar.latitude)), lon \(f(subSolar.longitude))
                Sub-Earth point: lat \(f(subEarth.latitude)), lon \(f(subEarth.longitude))
                """)
        }
    }
}
