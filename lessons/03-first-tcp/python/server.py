# 第 03 课：只接待一个客户端的 TCP 服务端（Python 版），和 l03-server 说同样的话。
import argparse
import socket

parser = argparse.ArgumentParser(description="只接待一个客户端的 TCP 服务端")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=8888)
args = parser.parse_args()

# ANCHOR: steps
family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
server = socket.socket(family, socket.SOCK_STREAM)  # 1. socket：IPv4/IPv6 + TCP
server.bind((args.host, args.port))  # 2. bind：占住地址和端口
server.listen()  # 3. listen：开始接听
host, port = server.getsockname()[:2]
shown = f"[{host}]:{port}" if family == socket.AF_INET6 else f"{host}:{port}"
print(f"服务端 正在监听 {shown}", flush=True)

conn, addr = server.accept()  # 4. accept：等一个客户端连上来
print(f"客户端 {addr[0]}:{addr[1]} 连上了", flush=True)
conn.settimeout(10)
data = conn.recv(1024)  # 5. recv：读一次，最多 1024 个字节
print(f"收到 {len(data)} 个字节：{data}", flush=True)
print("按 UTF-8 解码：" + data.decode("utf-8", errors="replace"), flush=True)
conn.sendall("我是Server".encode("utf-8"))  # 6. send：发的是字节
conn.close()  # 7. close
server.close()
# ANCHOR_END: steps
