"""A full-duplex serial device on a real pty, for the flood test.

socat's pty pair relays both directions in one blocking loop: while it waits to write a
flood into a paused reader, typed keys cannot pass the other way. A UART has separate
transmit and receive, and so has this device: it writes its flood and reads keystrokes
independently (non-blocking, with select).

    python3 floodDevice.py LINK BYTES [echo]
    python3 floodDevice.py tcp BYTES [echo]
stdin "go\\n" starts a flood of BYTES (afresh each time, after one done or ended) and "end\\n"
ends it early ("ended N" on stdout: N bytes of it written); stdout reports "sent N" and
"recv HEX" lines. With "echo", what it receives is sent back ahead of the flood, as a
console echoes typing. Given "tcp" for LINK, the same device serves one TCP connection on
127.0.0.1 (stdout "port N" first), as a router's console over telnet; it exits when that
connection closes.
"""
import os, select, socket, sys, tty

link, total = sys.argv[1], int(sys.argv[2])
echo = len(sys.argv) > 3 and sys.argv[3] == "echo"
pending_echo = b""
if link == "tcp":
    listener = socket.create_server(("127.0.0.1", 0))
    print(f"port {listener.getsockname()[1]}", flush=True)
    connection, _ = listener.accept()
    connection.setblocking(False)
    master = connection.fileno()
else:
    master, slave = os.openpty()
    tty.setraw(slave)
    os.symlink(os.ttyname(slave), link)
    os.set_blocking(master, False)
print("ready", flush=True)

line = b"show tech-support output line\r\n"
block = line * (65536 // len(line))
sent, flooding, reported = 0, False, 0
while True:
    want_write = [master] if pending_echo or (flooding and sent < total) else []
    readable, writable, _ = select.select([master, sys.stdin], want_write, [], 1.0)
    if sys.stdin in readable:
        command = sys.stdin.readline()
        if not command:
            break
        flooding = command.strip() == "go"
        if flooding:
            sent = reported = 0
        if command.strip() == "end":
            print(f"ended {sent}", flush=True)
    if master in readable:
        try:
            data = os.read(master, 65536)
            if not data and link == "tcp":
                break  # the TCP connection closed
            print("recv " + data.hex(), flush=True)
            if echo:
                pending_echo += data
        except (BlockingIOError, OSError):
            pass
    if master in writable and pending_echo:
        try:
            pending_echo = pending_echo[os.write(master, pending_echo):]
        except (BlockingIOError, OSError):
            pass
    elif master in writable and flooding:
        try:
            sent += os.write(master, block[: min(len(block), total - sent)])
        except (BlockingIOError, OSError):
            pass
        if sent - reported >= 1 << 20 or sent >= total:
            reported = sent
            print(f"sent {sent}", flush=True)
