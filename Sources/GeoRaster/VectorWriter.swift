import CGDAL
import Foundation

/// A field value of a vector feature.
public enum FieldValue: Sendable {
    case integer(Int)
    case real(Double)
    case text(String)
}

/// One feature: attributes in the layer's field order, and a point or a closed ring (lon/lat or map x/y
/// in the layer's CRS).
public struct VectorFeature: Sendable {
    public var fields: [FieldValue]
    public var point: (x: Double, y: Double)?
    public var ring: [(x: Double, y: Double)]?

    public init(fields: [FieldValue], point: (x: Double, y: Double)? = nil, ring: [(x: Double, y: Double)]? = nil) {
        self.fields = fields
        self.point = point
        self.ring = ring
    }
}

/// A vector layer to write: name, geometry kind, field names and types (from the first feature).
public struct VectorLayer: Sendable {
    public enum Kind: Sendable { case point, polygon }
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
/// into place when complete.
public enum VectorWriter {
    public static func write(_ layers: [VectorLayer], to path: String, crs: SpatialReference, driver: String = "GPKG") throws {
        GDALEnvironment.initialize()
        guard let drv = GDALGetDriverByName(driver) else { throw FarSideError.failure("GDAL has no \(driver) driver") }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid()).\(url.pathExtension)").path
        unlink(temporary)
        GDALEnvironment.resetError()
        guard let ds = GDALCreate(drv, temporary, 0, 0, 0, GDT_Unknown, nil) else {
            throw FarSideError.outputFailed("\(path): cannot create (\(GDALEnvironment.lastError(or: "write refused")))")
        }
        var closed = false
        defer { if !closed { GDALClose(ds); unlink(temporary) } }
        for layer in layers {
            let type = layer.kind == .point ? wkbPoint : wkbPolygon
            guard let l = GDALDatasetCreateLayer(ds, layer.name, crs.handle, type, nil) else {
                throw FarSideError.outputFailed("\(path): cannot create layer \(layer.name)")
            }
            let sample = layer.features.first?.fields ?? []
            for (i, name) in layer.fieldNames.enumerated() {
                let kind: OGRFieldType
                switch i < sample.count ? sample[i] : .text("") {
                case .integer: kind = OFTInteger
                case .real: kind = OFTReal
                case .text: kind = OFTString
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
                    }
                }
                if let p = feature.point {
                    let g = OGR_G_CreateGeometry(wkbPoint)
                    OGR_G_AddPoint_2D(g, p.x, p.y)
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
        GDALClose(ds)
        closed = true
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw FarSideError.outputFailed("\(path): cannot move into place")
        }
    }
}
