// The test kit is the local-services kit plus what only tests need: every test that imports it
// gets the servers and the widget's WebSocket client as well, as it did before they moved out.
@_exported import LocalServices
@_exported import WidgetClient
