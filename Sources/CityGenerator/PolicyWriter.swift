/// policy.json for a generated round: the contract's defaults written out in full, with
/// a fixed key order and layout so the bytes depend on the seed alone.
enum PolicyWriter {
    static func bytes(roundDate: CivilDay, seed: String) -> [UInt8] {
        var sink = ByteSink(capacity: 640)
        sink.raw("{\n  \"round_date\": \"")
        sink.date(roundDate)
        sink.raw("\",\n  \"mechanism\": \"deferred_acceptance\",\n  \"seed\": ")
        sink.jsonString(seed)
        sink.raw(
            """
            ,
              "local_priority": true,
              "default_max_commute_min": 60,
              "commute": {
                "overhead_min": 10,
                "detour_factor": 1.3,
                "speed_kmh": 25
              },
              "programmes": {
                "talent": {
                  "categories": ["youth_talent"],
                  "max_age": 35
                },
                "frontline": {
                  "categories": ["frontline_worker"],
                  "income_max": 12000
                },
                "general": {
                  "categories": ["youth_talent", "frontline_worker", "general"]
                }
              }
            }

            """)
        return sink.bytes
    }
}
