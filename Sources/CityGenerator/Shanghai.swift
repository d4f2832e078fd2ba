/// A point in decimal degrees (WGS84).
struct GeoPoint {
    var lat: Double
    var lon: Double

    /// Kilometres per degree near Shanghai (31.2° N). A flat local approximation is plenty
    /// for scattering points and naming districts, and needs no trigonometry.
    static let kmPerDegreeLat = 111.2
    static let kmPerDegreeLon = 95.1

    /// The point moved by `north` and `east` kilometres.
    func offset(northKm north: Double, eastKm east: Double) -> GeoPoint {
        GeoPoint(lat: lat + north / GeoPoint.kmPerDegreeLat, lon: lon + east / GeoPoint.kmPerDegreeLon)
    }

    /// Flat-earth distance in km; fine over a city.
    func km(to other: GeoPoint) -> Double {
        let dn = (other.lat - lat) * GeoPoint.kmPerDegreeLat
        let de = (other.lon - lon) * GeoPoint.kmPerDegreeLon
        return (dn * dn + de * de).squareRoot()
    }
}

/// A place somewhere with a weight and a spread: where projects are built, where people
/// work.
struct Site {
    var name: String
    var point: GeoPoint
    var weight: Int
    /// Standard deviation of the scatter around the point, in km.
    var spreadKm: Double

    init(_ name: String, _ lat: Double, _ lon: Double, weight: Int, spreadKm: Double) {
        self.name = name
        self.point = GeoPoint(lat: lat, lon: lon)
        self.weight = weight
        self.spreadKm = spreadKm
    }
}

/// Shanghai's sixteen districts and the places in them, with approximate coordinates.
/// Real enough that distances and commutes look like the city's; not a survey.
enum Shanghai {
    /// The sixteen districts, each with reference points: its centre (the district seat)
    /// first, then for districts that reach far from their seat, their main towns. A point
    /// belongs to the district of the nearest reference point. One centre per district is
    /// not enough: Pudong's seat is nearer Huangpu's than Lujiazui is, and Lingang would
    /// fall to Fengxian — and the district decides local priority.
    static let districts: [(name: String, references: [GeoPoint])] = [
        ("Huangpu", [p(31.2300, 121.4800)]),
        ("Xuhui", [p(31.1884, 121.4365), p(31.1400, 121.4450)]),
        ("Changning", [p(31.2204, 121.4245), p(31.2150, 121.3700)]),
        ("Jing'an", [p(31.2300, 121.4500), p(31.2900, 121.4520)]),
        ("Putuo", [p(31.2495, 121.3972), p(31.2800, 121.3700)]),
        ("Hongkou", [p(31.2646, 121.5052), p(31.2850, 121.4750)]),
        ("Yangpu", [p(31.2596, 121.5260), p(31.3100, 121.5150)]),
        ("Minhang", [p(31.1129, 121.3816), p(31.1550, 121.3500), p(31.2150, 121.2950), p(31.0800, 121.5100),
                     p(31.0200, 121.4300), p(31.0200, 121.3600)]),
        ("Baoshan", [p(31.4054, 121.4894), p(31.3100, 121.4100), p(31.3500, 121.3800), p(31.4200, 121.3400)]),
        ("Jiading", [p(31.3747, 121.2655), p(31.2950, 121.1650), p(31.2950, 121.3150), p(31.2500, 121.3200)]),
        ("Pudong", [p(31.2215, 121.5447), p(31.2350, 121.5150), p(31.2000, 121.6000), p(31.1900, 121.7000),
                    p(31.3400, 121.5900), p(31.1150, 121.5700), p(31.1460, 121.5100), p(31.0500, 121.7600),
                    p(30.9000, 121.9200), p(31.1500, 121.8000)]),
        ("Songjiang", [p(31.0322, 121.2278), p(31.1300, 121.3200), p(31.1200, 121.2600), p(31.0000, 121.3000)]),
        ("Qingpu", [p(31.1497, 121.1240), p(31.1800, 121.2600), p(31.1100, 121.0500), p(31.2400, 121.2000)]),
        ("Fengxian", [p(30.9180, 121.4741), p(30.9000, 121.3900), p(30.8600, 121.6000)]),
        ("Jinshan", [p(30.7416, 121.3420), p(30.9000, 121.1700), p(30.8900, 121.0200)]),
        ("Chongming", [p(31.6229, 121.3974), p(31.3900, 121.7000), p(31.5300, 121.8500)]),
    ]

    private static func p(_ lat: Double, _ lon: Double) -> GeoPoint { GeoPoint(lat: lat, lon: lon) }

    /// Every reference point with its district, flattened once for `district(of:)`.
    private static let references: [(district: Int, point: GeoPoint)] = districts.enumerated().flatMap { i, d in
        d.references.map { (i, $0) }
    }

    /// People's Square: rents fall with distance from it.
    static let centre = GeoPoint(lat: 31.2320, lon: 121.4750)

    /// Every generated point stays inside the municipality's bounding box.
    static let minLat = 30.68, maxLat = 31.87, minLon = 120.86, maxLon = 121.99

    /// The index into `districts` of the district whose reference point is nearest `p`
    /// (the first such point on a tie).
    static func district(of p: GeoPoint) -> Int {
        var best = 0
        var bestKm = Double.infinity
        for r in references {
            let km = r.point.km(to: p)
            if km < bestKm {
                best = r.district
                bestKm = km
            }
        }
        return best
    }

    /// Neighbourhoods where affordable housing gets built: few in the core, many in the
    /// new towns and along the metro lines outside the middle ring.
    static let neighbourhoods: [Site] = [
        Site("曹杨新村", 31.2430, 121.4080, weight: 4, spreadKm: 1.0), Site("真如", 31.2540, 121.4000, weight: 3, spreadKm: 1.0),
        Site("长征", 31.2460, 121.3780, weight: 3, spreadKm: 1.2), Site("桃浦", 31.2800, 121.3700, weight: 4, spreadKm: 1.5),
        Site("万里", 31.2630, 121.4140, weight: 2, spreadKm: 0.8), Site("漕河泾", 31.1700, 121.4000, weight: 3, spreadKm: 1.0),
        Site("田林", 31.1780, 121.4200, weight: 2, spreadKm: 0.8), Site("康健", 31.1600, 121.4230, weight: 2, spreadKm: 0.8),
        Site("华泾", 31.1180, 121.4470, weight: 3, spreadKm: 1.2), Site("龙华", 31.1780, 121.4520, weight: 2, spreadKm: 0.8),
        Site("北新泾", 31.2180, 121.3800, weight: 3, spreadKm: 1.0), Site("新华路", 31.2050, 121.4270, weight: 1, spreadKm: 0.6),
        Site("仙霞", 31.2100, 121.3950, weight: 2, spreadKm: 0.8), Site("彭浦新村", 31.3030, 121.4480, weight: 4, spreadKm: 1.2),
        Site("大宁", 31.2800, 121.4550, weight: 2, spreadKm: 0.8), Site("曹家渡", 31.2300, 121.4350, weight: 1, spreadKm: 0.6),
        Site("打浦桥", 31.2050, 121.4700, weight: 1, spreadKm: 0.6), Site("董家渡", 31.2150, 121.5000, weight: 1, spreadKm: 0.6),
        Site("凉城", 31.2850, 121.4700, weight: 2, spreadKm: 0.8), Site("江湾", 31.2900, 121.4850, weight: 2, spreadKm: 1.0),
        Site("北外滩", 31.2530, 121.4960, weight: 1, spreadKm: 0.6), Site("五角场", 31.3000, 121.5150, weight: 3, spreadKm: 1.0),
        Site("新江湾城", 31.3300, 121.5050, weight: 3, spreadKm: 1.2), Site("控江", 31.2730, 121.5320, weight: 2, spreadKm: 0.8),
        Site("长白", 31.2860, 121.5400, weight: 2, spreadKm: 0.8), Site("莘庄", 31.1110, 121.3850, weight: 5, spreadKm: 1.5),
        Site("七宝", 31.1530, 121.3500, weight: 4, spreadKm: 1.5), Site("梅陇", 31.1320, 121.4180, weight: 4, spreadKm: 1.2),
        Site("颛桥", 31.0650, 121.4030, weight: 4, spreadKm: 1.5), Site("浦江", 31.0800, 121.5100, weight: 5, spreadKm: 2.0),
        Site("马桥", 31.0200, 121.3600, weight: 2, spreadKm: 1.5), Site("华漕", 31.2200, 121.2950, weight: 3, spreadKm: 1.5),
        Site("紫竹", 31.0200, 121.4200, weight: 2, spreadKm: 1.2), Site("大场", 31.3020, 121.4130, weight: 4, spreadKm: 1.5),
        Site("顾村", 31.3500, 121.3800, weight: 5, spreadKm: 1.8), Site("杨行", 31.3950, 121.4450, weight: 3, spreadKm: 1.5),
        Site("淞南", 31.3470, 121.4880, weight: 3, spreadKm: 1.2), Site("罗店", 31.4200, 121.3400, weight: 3, spreadKm: 2.0),
        Site("高境", 31.3200, 121.4900, weight: 2, spreadKm: 1.0), Site("嘉定新城", 31.3560, 121.2450, weight: 5, spreadKm: 2.0),
        Site("安亭", 31.2950, 121.1650, weight: 4, spreadKm: 2.0), Site("南翔", 31.2950, 121.3150, weight: 4, spreadKm: 1.5),
        Site("江桥", 31.2450, 121.3250, weight: 3, spreadKm: 1.5), Site("马陆", 31.3350, 121.2700, weight: 2, spreadKm: 1.5),
        Site("张江", 31.2000, 121.5900, weight: 8, spreadKm: 2.0), Site("唐镇", 31.2150, 121.6500, weight: 5, spreadKm: 1.8),
        Site("川沙", 31.1900, 121.7000, weight: 4, spreadKm: 2.0), Site("三林", 31.1460, 121.5100, weight: 5, spreadKm: 1.5),
        Site("周浦", 31.1150, 121.5700, weight: 4, spreadKm: 1.8), Site("康桥", 31.1350, 121.5800, weight: 4, spreadKm: 1.5),
        Site("金桥", 31.2600, 121.6000, weight: 4, spreadKm: 1.5), Site("高行", 31.2850, 121.6050, weight: 3, spreadKm: 1.5),
        Site("北蔡", 31.1850, 121.5550, weight: 3, spreadKm: 1.2), Site("曹路", 31.2750, 121.6650, weight: 3, spreadKm: 1.8),
        Site("惠南", 31.0500, 121.7600, weight: 2, spreadKm: 2.0), Site("临港", 30.9000, 121.9200, weight: 3, spreadKm: 2.5),
        Site("外高桥", 31.3400, 121.5900, weight: 3, spreadKm: 1.8), Site("陆家嘴", 31.2350, 121.5150, weight: 1, spreadKm: 0.6),
        Site("松江新城", 31.0320, 121.2200, weight: 5, spreadKm: 2.0), Site("九亭", 31.1300, 121.3300, weight: 4, spreadKm: 1.5),
        Site("泗泾", 31.1200, 121.2600, weight: 3, spreadKm: 1.5), Site("洞泾", 31.0900, 121.2500, weight: 2, spreadKm: 1.5),
        Site("车墩", 31.0000, 121.3000, weight: 2, spreadKm: 1.5), Site("徐泾", 31.1850, 121.2650, weight: 4, spreadKm: 1.5),
        Site("赵巷", 31.1550, 121.1950, weight: 2, spreadKm: 1.5), Site("青浦新城", 31.1500, 121.1000, weight: 3, spreadKm: 2.0),
        Site("华新", 31.2400, 121.2000, weight: 2, spreadKm: 1.5), Site("南桥", 30.9200, 121.4600, weight: 3, spreadKm: 1.8),
        Site("奉贤新城", 30.9150, 121.4900, weight: 2, spreadKm: 2.0), Site("金汇", 31.0000, 121.5100, weight: 1, spreadKm: 1.5),
        Site("庄行", 30.9000, 121.3900, weight: 1, spreadKm: 1.5), Site("金山卫", 30.7400, 121.3300, weight: 1, spreadKm: 1.8),
        Site("朱泾", 30.9000, 121.1700, weight: 1, spreadKm: 1.5), Site("城桥", 31.6250, 121.4000, weight: 1, spreadKm: 1.5),
        Site("长兴岛", 31.3900, 121.7000, weight: 1, spreadKm: 2.0),
    ]

    /// Where office and lab jobs are: CBDs, science parks, the Hongqiao hub.
    static let employmentCentres: [Site] = [
        Site("Lujiazui", 31.2397, 121.4998, weight: 14, spreadKm: 1.2), Site("Zhangjiang", 31.2040, 121.5900, weight: 14, spreadKm: 2.0),
        Site("Jing'an CBD", 31.2290, 121.4540, weight: 9, spreadKm: 1.0), Site("People's Square", 31.2320, 121.4750, weight: 6, spreadKm: 1.0),
        Site("Xujiahui", 31.1950, 121.4370, weight: 6, spreadKm: 1.0), Site("Caohejing", 31.1690, 121.3960, weight: 8, spreadKm: 1.5),
        Site("Hongqiao hub", 31.1960, 121.3200, weight: 7, spreadKm: 2.0), Site("Wujiaochang", 31.2990, 121.5140, weight: 5, spreadKm: 1.2),
        Site("Zizhu", 31.0240, 121.4400, weight: 3, spreadKm: 1.5), Site("Jiading auto", 31.2920, 121.1620, weight: 3, spreadKm: 2.5),
        Site("Songjiang industrial", 31.0400, 121.2000, weight: 3, spreadKm: 3.0), Site("Waigaoqiao", 31.3530, 121.5900, weight: 3, spreadKm: 2.5),
        Site("Qiantan", 31.1800, 121.4950, weight: 4, spreadKm: 1.2), Site("Jinqiao", 31.2600, 121.6000, weight: 4, spreadKm: 2.0),
        Site("Lingang", 30.9000, 121.9200, weight: 2, spreadKm: 3.0), Site("North Bund", 31.2530, 121.4960, weight: 3, spreadKm: 0.8),
    ]

    /// Big hospitals, where care workers and orderlies work.
    static let hospitals: [Site] = [
        Site("Ruijin", 31.2120, 121.4680, weight: 4, spreadKm: 0.3), Site("Zhongshan", 31.2000, 121.4540, weight: 4, spreadKm: 0.3),
        Site("Renji East", 31.2260, 121.5300, weight: 3, spreadKm: 0.3), Site("Huashan", 31.2180, 121.4400, weight: 3, spreadKm: 0.3),
        Site("Xinhua", 31.2680, 121.5190, weight: 2, spreadKm: 0.3), Site("Sixth People's", 31.1880, 121.4300, weight: 2, spreadKm: 0.3),
        Site("Shuguang East", 31.2040, 121.5840, weight: 2, spreadKm: 0.3), Site("Changhai", 31.3060, 121.5270, weight: 2, spreadKm: 0.3),
        Site("Minhang Central", 31.1150, 121.3800, weight: 2, spreadKm: 0.3), Site("Songjiang Central", 31.0300, 121.2250, weight: 1, spreadKm: 0.3),
    ]

    /// Stations, depots and airports, where transit staff work.
    static let transitHubs: [Site] = [
        Site("Hongqiao hub", 31.1960, 121.3200, weight: 4, spreadKm: 1.0), Site("Shanghai Railway Station", 31.2490, 121.4560, weight: 3, spreadKm: 0.5),
        Site("Pudong Airport", 31.1500, 121.8000, weight: 3, spreadKm: 1.5), Site("Chuanyanghe depot", 31.2280, 121.6000, weight: 2, spreadKm: 0.5),
        Site("Xinzhuang depot", 31.1110, 121.3850, weight: 2, spreadKm: 0.5), Site("Longyang Road", 31.2050, 121.5570, weight: 2, spreadKm: 0.5),
        Site("Shanghai South Station", 31.1550, 121.4300, weight: 2, spreadKm: 0.5), Site("Fujin Road depot", 31.3940, 121.4280, weight: 1, spreadKm: 0.5),
    ]
}
