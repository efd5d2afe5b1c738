import ArgumentParser
import Ephemeris
import GeoRaster

/// `--kernels DIR`: the ephemeris every time-dependent command uses.
struct EphemerisOptions: ParsableArguments {
    @Option(help: "Folder with SPICE kernels (de421.bsp, moon_pa_de421_1900-2050.bpc, moon_080317.tf); default: the built-in analytical ephemeris.")
    var kernels: String?

    /// The analytical theory, or the SPICE kernels when --kernels is given (exit 3 when they are unusable).
    func source() throws -> any EphemerisSource {
        guard let kernels else { return AnalyticalEphemeris() }
        do {
            return try SpiceEphemeris(kernelDirectory: kernels)
        } catch {
            throw FarSideError.badInput("--kernels \(kernels): \(error)")
        }
    }
}

/// Parses an ISO 8601 UTC time given for option `name` (exit 2 when malformed).
func parseTime(_ text: String, option name: String) throws -> Epoch {
    do {
        return try Epoch(text)
    } catch {
        throw FarSideError.usage("\(name) '\(text)': not an ISO 8601 UTC time such as 2024-06-01T22:23:00Z (\(error))")
    }
}
