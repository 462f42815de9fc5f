import NIOConcurrencyHelpers

/// Hands out producer ids for InitProducerId from blocks the controller allocates and
/// persists (Kafka's `RPCProducerIdManager`): a block's ids are never handed out again, even
/// after a restart, because the controller's metadata log records the next block's start
/// before the block is used.
///
/// Thread-safe.
public final class ProducerIdManager: Sendable {
    private let allocateBlock: @Sendable () throws -> ProducerIdBlock
    private let state = NIOLockedValueBox<(next: Int64, last: Int64)?>(nil)

    public init(allocateBlock: @escaping @Sendable () throws -> ProducerIdBlock) {
        self.allocateBlock = allocateBlock
    }

    /// The next unused producer id.
    public func nextProducerId() throws -> Int64 {
        try state.withLockedValue { state in
            if let current = state, current.next <= current.last {
                state = (current.next + 1, current.last)
                return current.next
            }
            let block = try allocateBlock()
            state = (block.firstProducerId + 1, block.lastProducerId)
            return block.firstProducerId
        }
    }
}
