@testable import BrokerEngine
@testable import Console
import Testing

/// Moving the selection goes over the rows drawn in the last frame (what the operator sees),
/// not rows built again for the key, and the next frame follows the selected row by id.
@Suite struct MoveOverDrawnRowsTests {
    @Test func downMovesToTheRowShownBelowEvenWhenTheSelectedRowJustVanished() throws {
        let view = TopicsView()
        let app = Fixtures.app([view])
        _ = app.render(size: Fixtures.large)
        #expect(view.selectedRowID(context: app.context()) == "orders")
        // A snapshot without `orders` arrives before the next frame; the screen still shows
        // orders, payments, __consumer_offsets.
        var next = Fixtures.snapshot()
        next.topics.removeAll { $0.name == "orders" }
        app.apply(.snapshot(next))
        app.handle(.down)
        let screen = app.render(size: Fixtures.large)
        #expect(view.selectedRowID(context: app.context()) == "payments")
        #expect(screen.line(containing: "payments") != nil)
    }

    @Test func beforeAnyFrameMovesUseTheCurrentRows() {
        let view = TopicsView()
        let app = Fixtures.app([view])
        app.handle(.down)
        #expect(view.selectedRowID(context: app.context()) == "payments")
    }
}
