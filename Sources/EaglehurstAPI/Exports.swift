// The generated types name Foundation.UUID (the contract maps its UUID schema to it), but on
// Linux the generated files import only URL, Data and Date from Foundation.
@_exported import struct Foundation.UUID
