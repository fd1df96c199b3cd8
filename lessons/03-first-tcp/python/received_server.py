# 第 03 课教程版“已接收”服务端（种子 003 的 TCP Server 示例）：收一次，
# 回复“已接收到数据 <收到的文字>”。l03-received-server 是它逐行对应的 Rust。
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999

# ANCHOR: main
sock = socket.socket()  # 默认就是 IPv4 + TCP
sock.bind(("127.0.0.1", port))
sock.listen()
host, port = sock.getsockname()
print(f"{host}:{port}", flush=True)
conn, addrinfo = sock.accept()
data = conn.recv(1024)
print(data)
msg = "已接收到数据 {}".format(data.decode())
conn.send(msg.encode())
conn.close()
sock.close()
# ANCHOR_END: main
