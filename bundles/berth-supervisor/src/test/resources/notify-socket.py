# Stands in for systemd's notification socket: binds a Unix datagram socket at argv[1] and prints
# each datagram on one line (newlines as |). Java cannot bind such a socket itself.
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("bound", flush=True)
while True:
    print(s.recv(65536).decode().replace("\n", "|"), flush=True)
