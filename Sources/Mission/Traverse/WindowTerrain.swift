import FarSideCore
import GeoRaster

/// A traverse window's terrain: its heights, and its slope and roughness grids while they are held.
///
/// A static traverse lets the slope and roughness grids go once the rover's cell rules are decided, so its
/// search holds only heights, passability and costs (memory per cell). The few cells that need them
/// afterwards (route vertices, a refused target) read their 3 x 3 neighbourhood back from the dataset
/// and run the same Horn (1981) kernels (`TraversePlanning.terrain`), so a released window gives the same
/// values as its grids, bit for bit.
struct WindowTerrain {
    let dataset: RasterDataset
    let window: RasterWindow
    private(set) var dem: Grid
    private(set) var slope: Grid?
    private(set) var roughness: Grid?

    init(dataset: RasterDataset, window: RasterWindow, dem: Grid, slope: Grid, roughness: Grid?) {
        self.dataset = dataset
        self.window = window
        self.dem = dem
        self.slope = slope
        self.roughness = roughness
    }

    /// The window's terrain read from `dataset` (`TraversePlanning.terrain`).
    static func read(_ dataset: RasterDataset, window: RasterWindow, roughness: Bool, threads: Int) throws -> WindowTerrain {
        let (dem, slope, rough) = try TraversePlanning.terrain(dataset, window: window, roughness: roughness, threads: threads)
        return WindowTerrain(dataset: dataset, window: window, dem: dem, slope: slope, roughness: rough)
    }

    /// The cells `rover` may enter (`RoverProfile.passable`); the grids must be held.
    func passable(_ rover: RoverProfile, psr: [Bool]?, threads: Int) -> [Bool] {
        precondition(slope != nil, "the slope grid was let go")
        return rover.passable(dem: dem, slope: slope!, roughness: roughness, psr: psr, threads: threads)
    }

    /// Lets the slope and roughness grids go.
    mutating func releaseKernels() {
        slope = nil
        roughness = nil
    }

    /// Lets every grid go (the heights too); `slope(at:)` and `refusal` still work, from the dataset.
    mutating func releaseAll() {
        releaseKernels()
        dem = Grid(width: 0, height: 0, values: [])
    }

    /// Slope of window cell `cell`, degrees.
    func slope(at cell: Int) -> Double {
        if let slope { return Double(slope.values[cell]) }
        return (try? Double(single(cell, roughness: false).1.values[0])) ?? .nan
    }

    /// Why `rover` may not stand on window cell `cell` (`RoverProfile.refusal`).
    func refusal(_ rover: RoverProfile, cell: Int, psr: [Bool]?) -> String {
        if let slope, dem.width > 0 {
            return rover.refusal(cell: cell, dem: dem, slope: slope, roughness: roughness, psr: psr)
        }
        guard let (z, s, r) = try? single(cell, roughness: rover.maxRoughnessM != nil) else { return "impassable" }
        return rover.refusal(cell: 0, dem: z, slope: s, roughness: r, psr: psr.map { [$0[cell]] })
    }

    /// The 1 x 1 terrain of one window cell, from the dataset.
    private func single(_ cell: Int, roughness: Bool) throws -> (Grid, Grid, Grid?) {
        let at = RasterWindow(column: window.column + cell % window.width, row: window.row + cell / window.width, width: 1, height: 1)
        return try TraversePlanning.terrain(dataset, window: at, roughness: roughness, threads: 1, blockCache: false)
    }
}
