/// Tail throughput: how many records a second the Messages tail view keeps up with.
///
/// NOT MEASURED YET. The tail view (`:tail TOPIC`) is being written on another branch; when
/// it lands, measure it here: feed it batches of records as its fetch loop would and time
/// records drawn per second at 120×40, against the rate a producer reaches on this machine.
/// Until then this prints that nothing was measured rather than a number.
enum TailBench {
    static func run() {
        print("Tail throughput: not measured (the Messages tail view has not landed yet)")
    }
}
