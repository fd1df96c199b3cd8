# 第 03 课教程版服务端（种子 000 §1.2）：只接待一个客户端，收一次，回一句“我是Server”。
# 和教程一样的七步；只多了两件事：端口可以用第一个参数给（0 让系统挑），
# 第一行打印真正绑定的地址。l03-tutorial-server 是它逐行对应的 Rust。
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8888

# ANCHOR: steps
# 1. socket：IPv4（AF_INET）+ TCP（SOCK_STREAM）
socket_server = socket.socket(family=socket.AF_INET, type=socket.SOCK_STREAM, proto=0)
# 2. bind：占住地址和端口
socket_server.bind(("127.0.0.1", port))
# 3. listen：开始接听
socket_server.listen()
host, port = socket_server.getsockname()
print(f"{host}:{port}", flush=True)

# 4. accept：等一个客户端连上来，得到新连接和对方的地址
(sock, addr) = socket_server.accept()
print(addr)
# 5. recv：读一次，最多 1024 个字节
data = sock.recv(1024)
print(data)
print(str(data, encoding="utf-8"))
# 6. send：发出去的是字节
sock.send(bytes("我是Server", encoding="utf-8"))
# 7. close
sock.close()
socket_server.close()
# ANCHOR_END: steps
