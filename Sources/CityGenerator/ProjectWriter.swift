/// Writes projects.csv from the planned projects.
enum ProjectWriter {
    static let header = "project_id,name,district,lat,lon,programme\n"

    static func bytes(_ projects: [PlannedProject], idWidth: Int) -> [UInt8] {
        var sink = ByteSink(capacity: 64 + projects.count * 96)
        sink.raw(header)
        for p in projects {
            sink.id("P", p.number, width: idWidth)
            sink.comma()
            sink.csvField(p.name)
            sink.comma()
            sink.raw(Shanghai.districts[p.district].name)
            sink.comma()
            sink.microDegrees(p.latMicro)
            sink.comma()
            sink.microDegrees(p.lonMicro)
            sink.comma()
            sink.raw(p.programme.rawValue)
            sink.newline()
        }
        return sink.bytes
    }
}
