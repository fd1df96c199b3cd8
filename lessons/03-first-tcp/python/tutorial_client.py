# 第 03 课教程版客户端（种子 000 §1.3）：连上服务端，发“你是who?”，收一次，打印。
# 端口可以用第一个参数给。l03-tutorial-client 是它逐行对应的 Rust。
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8888

# ANCHOR: steps
# 1. socket
socket_client = socket.socket(family=socket.AF_INET, type=socket.SOCK_STREAM)
# 2. connect：三次握手在这里完成
socket_client.connect(("127.0.0.1", port))
# 3. send：字符串先编码成字节
socket_client.send("你是who?".encode(encoding="utf-8"))
# 4. recv：读一次，最多 1024 个字节，解码后打印
data = socket_client.recv(1024)
print(data.decode(encoding="utf-8"))
# 5. close
socket_client.close()
# ANCHOR_END: steps
