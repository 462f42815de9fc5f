import BrokerEngine
import Foundation
import LogStore
import Testing

/// Real third-party Kafka clients against Wharf on 127.0.0.1: Debian's kcat (librdkafka
/// 2.0.2), confluent-kafka (librdkafka 2.16) and kafka-python 3, each driving a scenario from
/// Tests/interop. `make test` provides the Python venv (WHARF_PYTHON) and kcat; under CI
/// the suite must run.
@Suite(.serialized, .enabled(if: ScenarioRunner.python != nil || ProcessInfo.processInfo.environment["CI"] != nil))
struct InteropTests {
    func run(_ script: String, timeout: Double = 240) async throws -> (ScenarioRunner.Outcome, InteropCluster) {
        #expect(ScenarioRunner.python != nil, "WHARF_PYTHON must name the interop venv's python (make test sets it)")
        let cluster = try await InteropCluster()
        let engine = cluster.cluster
        let runner = ScenarioRunner(script: script, arguments: [cluster.bootstrap], timeoutSeconds: timeout) { command in
            let words = command.split(separator: " ")
            guard words.count == 2, let id = Int32(words[1]) else { return "unknown command \(command)" }
            do {
                switch words[0] {
                case "stop-broker": try engine.stopBroker(id, controlled: true)
                case "kill-broker": try engine.stopBroker(id, controlled: false)
                case "start-broker": try engine.startBroker(id)
                default: return "unknown command \(command)"
                }
                return "ok"
            } catch {
                return "\(error)"
            }
        }
        let outcome = try await runner.run()
        let transcript = outcome.log.joined(separator: "\n")
        #expect(!outcome.timedOut, "\(script) timed out after \(timeout)s:\n\(transcript)")
        #expect(outcome.status == 0, "\(script) failed:\n\(transcript)")
        return (outcome, cluster)
    }

    @Test func kcatMetadataProduceWithEveryCodecAndConsumeByOffsetAndTimestamp() async throws {
        let (outcome, cluster) = try await run("kcat_interop.py")
        defer { Task { await cluster.stop() } }
        // The codec each topic was produced with is the one its batches are stored with.
        let produced = outcome.notes.filter { $0.hasPrefix("produced-topic ") }.map { $0.split(separator: " ") }
        #expect(produced.count == 5)
        for note in produced {
            let codecs = try cluster.codecs(TopicPartition(String(note[1]), 0))
            #expect(codecs.contains(String(note[2])), "\(note[1]) holds \(codecs)")
        }
    }

    @Test func confluentKafkaProducerGroupAndAdminAcrossABrokerStop() async throws {
        let (_, cluster) = try await run("confluent_interop.py", timeout: 300)
        await cluster.stop()
    }

    @Test func kafkaPythonAdminProducerAndGroupConsumer() async throws {
        let (_, cluster) = try await run("kafka_python_interop.py")
        await cluster.stop()
    }
}
