"""An independent Modbus TCP peer for Fabrik's tests: Debian's pymodbus serving fixed values.

usage: python3 pymodbus-server.py <port>
Layout (0-based, unit id 1; any other address answers exception 2):
  holding 0-1  float32 21.5 ABCD     holding 2-3  float32 21.5 CDAB
  holding 4    int16 -1234           holding 5    0b1010 (bit fields)
  input   0-1  uint32 4000000000 ABCD
  coil    0    on                    discrete 5   on
"""
import logging
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartTcpServer

logging.disable(logging.CRITICAL)
port = int(sys.argv[1])
store = ModbusSlaveContext(
    hr=ModbusSequentialDataBlock(0, [0x41AC, 0x0000, 0x0000, 0x41AC, 0xFB2E, 0b1010]),
    ir=ModbusSequentialDataBlock(0, [0xEE6B, 0x2800]),
    co=ModbusSequentialDataBlock(0, [1, 0, 0, 0, 0, 0, 0, 0]),
    di=ModbusSequentialDataBlock(0, [0, 0, 0, 0, 0, 1, 0, 0]),
    zero_mode=True,
)
context = ModbusServerContext(slaves={1: store}, single=False)
print("ready", flush=True)
StartTcpServer(context=context, address=("127.0.0.1", port))
