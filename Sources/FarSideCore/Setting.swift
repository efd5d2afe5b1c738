/// An engine parameter that an error message names (as its subject, "tileKm 0: must be positive", or in a
/// hint, "give one with assumeCRS"). The engine writes `Setting.x.token` into the message; the message
/// renders it as the parameter's Swift name for library callers (`FarSideError.description`) and as the
/// command-line option for the CLI (`FarSideError.message(naming:)` with the CLI's table), so engine code
/// names no CLI option and the CLI still says which flag was wrong.
public enum Setting: String, CaseIterable, Sendable {
    case assumeCRS, creationOption, exactStatistics
    case memoryMB, farField, farFieldMarginKm
    case profile, stationProfile, rover, sites, timeWindow, start, end, step, orbit
    case size, resolution, centreLatitude
    case tileKm, task, partialMerge

    /// The placeholder an engine message carries for this setting.
    public var token: String { "{\(rawValue)}" }
}

extension FarSideError {
    /// The message with every setting named by `name` (the CLI: its option, e.g. --tile-km).
    public func message(naming name: (Setting) -> String) -> String {
        var text: String
        switch self {
        case .usage(let m), .badInput(let m), .outputFailed(let m), .failure(let m): text = m
        }
        guard text.contains("{") else { return text.replacingOccurrences(of: "\n", with: " ") }
        for setting in Setting.allCases { text = text.replacingOccurrences(of: setting.token, with: name(setting)) }
        return text.replacingOccurrences(of: "\n", with: " ")
    }
}
