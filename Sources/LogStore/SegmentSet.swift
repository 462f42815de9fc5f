/// The segments of one log, ordered by base offset (Kafka's `LogSegments`): a sorted array
/// with binary search for floor/higher lookups. The last segment is the active one.
/// Not thread-safe: owned by `PartitionLog`.
struct SegmentSet {
    private(set) var all: [Segment] = []

    var isEmpty: Bool { all.isEmpty }
    var count: Int { all.count }
    var first: Segment? { all.first }
    /// The segment appends go to: the one with the largest base offset.
    var active: Segment? { all.last }
    var totalSize: Int { all.reduce(0) { $0 + $1.size } }

    /// Inserts or replaces the segment with the same base offset.
    mutating func add(_ segment: Segment) {
        let slot = insertionSlot(segment.baseOffset)
        if slot < all.count, all[slot].baseOffset == segment.baseOffset {
            all[slot] = segment
        } else {
            all.insert(segment, at: slot)
        }
    }

    mutating func remove(baseOffset: Int64) {
        let slot = insertionSlot(baseOffset)
        if slot < all.count, all[slot].baseOffset == baseOffset { all.remove(at: slot) }
    }

    mutating func removeAll() { all.removeAll() }

    func contains(baseOffset: Int64) -> Bool { get(baseOffset) != nil }

    func get(_ baseOffset: Int64) -> Segment? {
        let slot = insertionSlot(baseOffset)
        return slot < all.count && all[slot].baseOffset == baseOffset ? all[slot] : nil
    }

    /// The segment with the largest base offset ≤ `offset`.
    func floor(_ offset: Int64) -> Segment? {
        floorSlot(offset).map { all[$0] }
    }

    /// The segment with the smallest base offset > `offset`.
    func higher(_ offset: Int64) -> Segment? {
        let slot = insertionSlot(offset + 1)
        return slot < all.count ? all[slot] : nil
    }

    func floorSlot(_ offset: Int64) -> Int? {
        let slot = insertionSlot(offset + 1)
        return slot == 0 ? nil : slot - 1
    }

    /// Segments that may hold offsets in [from, to): the floor of `from` and every later one
    /// with a base offset below `to`.
    func segments(from: Int64, to: Int64) -> ArraySlice<Segment> {
        let start = floorSlot(from) ?? 0
        let end = insertionSlot(to)
        return start < end ? all[start..<end] : []
    }

    /// The next segment after `segment`, if any.
    func next(after segment: Segment) -> Segment? { higher(segment.baseOffset) }

    /// First slot whose base offset is ≥ `offset`.
    private func insertionSlot(_ offset: Int64) -> Int {
        var low = 0, high = all.count
        while low < high {
            let mid = (low + high) / 2
            if all[mid].baseOffset < offset { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
