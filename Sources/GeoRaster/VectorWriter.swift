import CGDAL
import Foundation

/// A field value of a vector feature.
public enum FieldValue: Sendable {
    case integer(Int)
    case real(Double)
    case text(String)
    /// No value (the field is left null).
    case null
}

/// One feature: attributes in the layer's field order, and a point, a closed ring or a line (lon/lat or
/// map x/y in the layer's CRS).
public struct VectorFeature: Sendable {
    public var fields: [FieldValue]
    public var point: (x: Double, y: Double)?
    public var ring: [(x: Double, y: Double)]?
    public var line: [(x: Double, y: Double)]?

    public init(fields: [FieldValue], point: (x: Double, y: Double)? = nil, ring: [(x: Double, y: Double)]? = nil,
                line: [(x: Double, y: Double)]? = nil) {
        self.fields = fields
        self.point = point
        self.ring = ring
        self.line = line
    }
}

/// A vector layer to write: name, geometry kind, field names and types (each field's type from its first
/// non-null value).
public struct VectorLayer: Sendable {
    /// `mixed`: features of several geometry types in one layer (GeoJSON files hold one layer).
    public enum Kind: Sendable { case point, polygon, lineString, mixed }
    public var name: String
    public var kind: Kind
    public var fieldNames: [String]
    public var features: [VectorFeature]

    public init(name: String, kind: Kind, fieldNames: [String], features: [VectorFeature]) {
        self.name = name
        self.kind = kind
        self.fieldNames = fieldNames
        self.features = features
    }
}

/// Writes vector layers through OGR (GeoPackage by default) in a given CRS, to a temporary name renamed
/// into place when complete (or staged in `outputSet`, which renames its files together).
public enum VectorWriter {
    public static func write(_ layers: [VectorLayer], to path: String, crs: SpatialReference, driver: String = "GPKG",
                             outputSet: OutputSet? = nil) throws {
        GDALEnvironment.initialize()
        guard let drv = GDALGetDriverByName(driver) else { throw FarSideError.failure("GDAL has no \(driver) driver") }
        try OutputPaths.checkTarget(path)
        let temporary: String
        var slot: Int32 = -1
        if let outputSet {
            temporary = outputSet.temporaryPath(for: path)
        } else {
            temporary = TemporaryFiles.path(for: path)
            slot = TemporaryFiles.register(temporary)
        }
        // SQLite's journal beside the temporary is removed with it.
        let journals = ["-journal", "-wal", "-shm"].map { temporary + $0 }
        journals.forEach { outputSet?.adopt($0) }
        func discard() {
            if let outputSet { ([temporary] + journals).forEach(outputSet.discard) } else { ([temporary] + journals).forEach { unlink($0) } }
        }
        defer { TemporaryFiles.forget(slot) }
        GDALEnvironment.resetError()
        guard let ds = GDALCreate(drv, temporary, 0, 0, 0, GDT_Unknown, nil) else {
            let failure = OutputPaths.writeFailure(path, errno: errno, detail: "cannot create: " + GDALEnvironment.lastError(or: "write refused"))
            discard()
            throw failure
        }
        var closed = false
        defer { if !closed { GDALClose(ds); discard() } }
        for layer in layers {
            let type: OGRwkbGeometryType
            switch layer.kind {
            case .point: type = wkbPoint
            case .polygon: type = wkbPolygon
            case .lineString: type = wkbLineString
            case .mixed: type = wkbUnknown
            }
            guard let l = GDALDatasetCreateLayer(ds, layer.name, crs.handle, type, nil) else {
                throw FarSideError.outputFailed("\(path): cannot create layer \(layer.name)")
            }
            for (i, name) in layer.fieldNames.enumerated() {
                let sample = layer.features.lazy.compactMap { i < $0.fields.count ? $0.fields[i] : nil }.first {
                    if case .null = $0 { return false } else { return true }
                }
                let kind: OGRFieldType
                switch sample ?? .text("") {
                case .integer: kind = OFTInteger
                case .real: kind = OFTReal
                case .text, .null: kind = OFTString
                }
                let field = OGR_Fld_Create(name, kind)
                defer { OGR_Fld_Destroy(field) }
                guard OGR_L_CreateField(l, field, 1) == OGRERR_NONE else { throw FarSideError.outputFailed("\(path): cannot create field \(name)") }
            }
            for feature in layer.features {
                let f = OGR_F_Create(OGR_L_GetLayerDefn(l))
                defer { OGR_F_Destroy(f) }
                for (i, value) in feature.fields.enumerated() {
                    switch value {
                    case .integer(let v): OGR_F_SetFieldInteger(f, Int32(i), Int32(v))
                    case .real(let v): OGR_F_SetFieldDouble(f, Int32(i), v)
                    case .text(let v): OGR_F_SetFieldString(f, Int32(i), v)
                    case .null: OGR_F_SetFieldNull(f, Int32(i))
                    }
                }
                if let p = feature.point {
                    let g = OGR_G_CreateGeometry(wkbPoint)
                    OGR_G_AddPoint_2D(g, p.x, p.y)
                    OGR_F_SetGeometryDirectly(f, g)
                } else if let line = feature.line, line.count >= 2 {
                    let g = OGR_G_CreateGeometry(wkbLineString)
                    for p in line { OGR_G_AddPoint_2D(g, p.x, p.y) }
                    OGR_F_SetGeometryDirectly(f, g)
                } else if let ring = feature.ring, ring.count >= 3 {
                    let r = OGR_G_CreateGeometry(wkbLinearRing)
                    for p in ring + [ring[0]] { OGR_G_AddPoint_2D(r, p.x, p.y) }
                    let polygon = OGR_G_CreateGeometry(wkbPolygon)
                    OGR_G_AddGeometryDirectly(polygon, r)
                    OGR_F_SetGeometryDirectly(f, polygon)
                }
                guard OGR_L_CreateFeature(l, f) == OGRERR_NONE else { throw FarSideError.outputFailed("\(path): cannot write a feature") }
            }
        }
        GDALEnvironment.resetError()
        errno = 0
        GDALClose(ds)
        closed = true
        if CPLGetLastErrorType() == CE_Failure {
            let failure = OutputPaths.writeFailure(path, errno: errno, detail: GDALEnvironment.lastError(or: "write error"))
            discard()
            throw failure
        }
        journals.forEach { outputSet?.discard($0) }
        if let outputSet {
            outputSet.stage(temporary, as: path)
            return
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw FarSideError.outputFailed("\(path): cannot move into place (\(reason))")
        }
    }
}
