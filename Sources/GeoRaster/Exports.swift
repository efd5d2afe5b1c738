/// GeoRaster is the GDAL side of FarSide (datasets, writers, CRSs, output safety); the grid types it reads
/// into and writes from live in the GDAL-free core, which GeoRaster's users get with it.
@_exported import FarSideCore
