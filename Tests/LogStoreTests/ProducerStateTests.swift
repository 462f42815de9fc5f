import KafkaProtocol
import NIOCore
import Testing
@testable import LogStore

/// Idempotent producer validation on the leader append path (Kafka's `ProducerAppendInfo`
/// and `UnifiedLog.analyzeAndValidateProducerState`).
@Suite struct ProducerStateTests {
    @Test func sequencesInOrderAreAcceptedAndTheLastFiveBatchesRemembered() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        var infos: [LogAppendInfo] = []
        for i in 0..<7 {
            infos.append(try log.append(TestBatch.producer(42, epoch: 3, sequence: Int32(i * 2), count: 2), leaderEpoch: 0))
        }
        #expect(infos.map(\.firstOffset) == [0, 2, 4, 6, 8, 10, 12])
        #expect(infos.allSatisfy { !$0.isDuplicate })
        let state = try #require(log.producerState(for: 42))
        #expect(state.producerEpoch == 3)
        #expect(state.batchMetadata.count == ProducerStateEntry.numBatchesToRetain)
        #expect(state.batchMetadata.map(\.firstSequence) == [4, 6, 8, 10, 12])
        #expect(state.batchMetadata.map(\.firstOffset) == [4, 6, 8, 10, 12])
        #expect(state.lastSequence == 13 && state.lastDataOffset == 13)
        #expect(log.producerStates.map(\.producerId) == [42])
    }

    @Test func aRetryOfEachOfTheLastFiveBatchesGetsTheOriginalOffsetsAndWritesNothing() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        var originals: [(batch: ByteBuffer, info: LogAppendInfo)] = []
        for i in 0..<6 {
            // Another producer's batch between each, so offsets and sequences differ.
            _ = try log.append(TestBatch.producer(7, sequence: Int32(i), count: 1), leaderEpoch: 0)
            let batch = TestBatch.producer(42, epoch: 1, sequence: Int32(i * 3), count: 3, timestamp: 1_000 + Int64(i))
            originals.append((batch, try log.append(batch, leaderEpoch: 0)))
        }
        let endBefore = log.logEndOffset
        let sizeBefore = log.size
        for (batch, original) in originals.suffix(5) {
            let retry = try log.append(batch, leaderEpoch: 0)
            #expect(retry.isDuplicate)
            #expect(retry.firstOffset == original.firstOffset && retry.lastOffset == original.lastOffset)
            #expect(retry.recordCount == 0 && retry.validBytes == 0)
        }
        #expect(log.logEndOffset == endBefore && log.size == sizeBefore)
        // The oldest batch has left the cache: its retry is out of order, not a duplicate.
        #expect(throws: LogStoreError.outOfOrderSequence(producerId: 42, epoch: 1, firstSequence: 0, lastSequence: 17, offset: endBefore)) {
            try log.append(originals[0].batch, leaderEpoch: 0)
        }
        #expect(log.logEndOffset == endBefore)
    }

    @Test func aGapInTheSequenceIsRejectedAndNothingIsWritten() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        _ = try log.append(TestBatch.producer(42, sequence: 0, count: 2), leaderEpoch: 0)
        #expect(throws: LogStoreError.outOfOrderSequence(producerId: 42, epoch: 0, firstSequence: 3, lastSequence: 1, offset: 2)) {
            try log.append(TestBatch.producer(42, sequence: 3), leaderEpoch: 0)
        }
        // A sequence going backwards that matches no cached batch is out of order too.
        #expect(throws: LogStoreError.self) { try log.append(TestBatch.producer(42, sequence: 1), leaderEpoch: 0) }
        #expect(log.logEndOffset == 2)
        #expect(try log.append(TestBatch.producer(42, sequence: 2), leaderEpoch: 0).firstOffset == 2)
    }

    @Test func anOlderEpochIsFenced() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        _ = try log.append(TestBatch.producer(42, epoch: 5, sequence: 0), leaderEpoch: 0)
        #expect(throws: LogStoreError.invalidProducerEpoch(producerId: 42, epoch: 4, currentEpoch: 5, offset: 1)) {
            try log.append(TestBatch.producer(42, epoch: 4, sequence: 1), leaderEpoch: 0)
        }
        #expect(log.logEndOffset == 1)
        #expect(log.producerState(for: 42)?.producerEpoch == 5)
    }

    @Test func aNewEpochMustStartAtSequenceZero() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        _ = try log.append(TestBatch.producer(42, epoch: 0, sequence: 0, count: 4), leaderEpoch: 0)
        #expect(throws: LogStoreError.outOfOrderSequence(producerId: 42, epoch: 1, firstSequence: 4, lastSequence: -1, offset: 4)) {
            try log.append(TestBatch.producer(42, epoch: 1, sequence: 4), leaderEpoch: 0)
        }
        let info = try log.append(TestBatch.producer(42, epoch: 1, sequence: 0, count: 2), leaderEpoch: 0)
        #expect(info.firstOffset == 4 && !info.isDuplicate)
        let state = try #require(log.producerState(for: 42))
        #expect(state.producerEpoch == 1)
        #expect(state.batchMetadata.map(\.firstOffset) == [4])   // the old epoch's batches are forgotten
    }

    @Test func aProducerThePartitionDoesNotKnowMayStartAtAnySequence() throws {
        // Kafka since KIP-360 (2.5): no state → any sequence (no UNKNOWN_PRODUCER_ID).
        let fixture = LogFixture()
        let log = try fixture.open()
        #expect(try log.append(TestBatch.producer(42, epoch: 2, sequence: 1_000, count: 3), leaderEpoch: 0).firstOffset == 0)
        #expect(log.producerState(for: 42)?.lastSequence == 1_002)
        #expect(throws: LogStoreError.self) { try log.append(TestBatch.producer(42, epoch: 2, sequence: 0), leaderEpoch: 0) }
    }

    @Test func sequencesWrapFromInt32MaxToZero() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        let lastTwo = TestBatch.producer(42, sequence: Int32.max - 1, count: 2)
        _ = try log.append(lastTwo, leaderEpoch: 0)
        #expect(log.producerState(for: 42)?.lastSequence == Int32.max)
        #expect(throws: LogStoreError.self) { try log.append(TestBatch.producer(42, sequence: 5), leaderEpoch: 0) }
        #expect(try log.append(TestBatch.producer(42, sequence: 0), leaderEpoch: 0).firstOffset == 2)

        // A batch that itself wraps: Int32.max, 0, 1.
        let wrapping = TestBatch.producer(43, sequence: Int32.max, count: 3)
        let info = try log.append(wrapping, leaderEpoch: 0)
        let state = try #require(log.producerState(for: 43))
        #expect(state.firstSequence == Int32.max && state.lastSequence == 1)
        #expect(try log.append(wrapping, leaderEpoch: 0).isDuplicate)
        #expect(try log.append(wrapping, leaderEpoch: 0).firstOffset == info.firstOffset)
        #expect(try log.append(TestBatch.producer(43, sequence: 2), leaderEpoch: 0).firstOffset == info.lastOffset + 1)
        // The batch that ended at Int32.max is still cached across the wrap.
        #expect(try log.append(lastTwo, leaderEpoch: 0).isDuplicate)
    }

    @Test func batchesOfOneAppendAreCheckedAgainstEachOther() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        let good = TestBatch.concat([TestBatch.producer(42, sequence: 0, count: 2), TestBatch.producer(42, sequence: 2)])
        #expect(try log.append(good, leaderEpoch: 0).lastOffset == 2)
        let gap = TestBatch.concat([TestBatch.producer(42, sequence: 3), TestBatch.producer(42, sequence: 5)])
        #expect(throws: LogStoreError.self) { try log.append(gap, leaderEpoch: 0) }
        #expect(log.logEndOffset == 3)
        #expect(log.producerState(for: 42)?.lastSequence == 2)   // nothing of the refused append stays
    }

    @Test func replicaAppendsUpdateTheStateWithoutValidation() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        _ = try log.append(TestBatch.producer(42, epoch: 5, sequence: 0, baseOffset: 0), leaderEpoch: 0, origin: .replica)
        // A gap and an older epoch: a follower takes what the leader wrote.
        _ = try log.append(TestBatch.producer(42, epoch: 5, sequence: 10, baseOffset: 1), leaderEpoch: 0, origin: .replica)
        _ = try log.append(TestBatch.producer(42, epoch: 4, sequence: 0, baseOffset: 2), leaderEpoch: 0, origin: .replica)
        #expect(log.logEndOffset == 3)
        let state = try #require(log.producerState(for: 42))
        #expect(state.producerEpoch == 4 && state.lastSequence == 0 && state.lastDataOffset == 2)
        #expect(fixture.logs.messages.contains { $0.level == .warning && $0.message.contains("older than the last seen epoch") })
        // A replica append of a batch equal to a cached one is written, not answered as a duplicate.
        let info = try log.append(TestBatch.producer(42, epoch: 4, sequence: 0, baseOffset: 3), leaderEpoch: 0, origin: .replica)
        #expect(!info.isDuplicate && log.logEndOffset == 4)
    }

    @Test func transactionalBatchesOpenATransactionThatAMarkerCloses() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        _ = try log.append(TestBatch.producer(42, sequence: 0, isTransactional: true), leaderEpoch: 0)
        #expect(log.producerState(for: 42)?.currentTxnFirstOffset == 0)
        #expect(throws: LogStoreError.invalidTxnState(producerId: 42, offset: 1)) {
            try log.append(TestBatch.producer(42, sequence: 1), leaderEpoch: 0)
        }
        // A COMMIT/ABORT control batch (as a follower receives it) ends the transaction.
        _ = try log.append(TestBatch.producer(42, sequence: -1, baseOffset: 1, isTransactional: true, isControl: true),
                           leaderEpoch: 0, origin: .replica)
        #expect(log.producerState(for: 42)?.currentTxnFirstOffset == nil)
        #expect(try log.append(TestBatch.producer(42, sequence: 1), leaderEpoch: 0).firstOffset == 2)
    }

    @Test func idleProducersExpireByTheClock() throws {
        let fixture = LogFixture()
        fixture.producerStateConfig = ProducerStateManagerConfig(producerIdExpirationMs: 60_000)
        let log = try fixture.open()
        let now = fixture.clock.milliseconds()
        _ = try log.append(TestBatch.producer(1, sequence: 0, timestamp: now), leaderEpoch: 0)
        fixture.clock.advance(by: 30_000)
        _ = try log.append(TestBatch.producer(2, sequence: 0, timestamp: fixture.clock.milliseconds()), leaderEpoch: 0)
        fixture.clock.advance(by: 30_000)
        #expect(log.removeExpiredProducers() == [1])
        #expect(log.producerStates.map(\.producerId) == [2])
        // An expired producer is unknown again: any sequence goes, nothing is a duplicate.
        #expect(try log.append(TestBatch.producer(1, sequence: 0, timestamp: now), leaderEpoch: 0).isDuplicate == false)

        // Expired entries are dropped when a snapshot is loaded, too.
        try log.close()
        fixture.clock.advance(by: 60_000)
        let reopened = try fixture.open(clean: true)
        #expect(reopened.producerStates.isEmpty)
        try reopened.close()
    }
}
