# 第 03 课教程版欢迎服务端（种子 002 “简单的TCP socket示例”）：每来一个客户端，
# 发一句欢迎语就关闭连接。l03-welcome-server 是它逐行对应的 Rust。
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 12345
# 教程的 while True 永远不停；这里接待 3 个客户端就停下，并说明原因。
# 3 个刚好够看出“一个接一个地接待”，演示和测试也各自连 3 次。
CLIENTS = 3

# ANCHOR: main
serversocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# 教程绑定的是作者电脑的局域网地址 192.168.247.1；这里用本机的 127.0.0.1。
serversocket.bind(("127.0.0.1", port))
# 教程的注释说这是“最大连接数”：其实是排队等 accept 的连接有多少（见第 03 课“积压队列”）。
serversocket.listen(10)
host, port = serversocket.getsockname()
print(f"{host}:{port}", flush=True)
print("start Socket server")

for _ in range(CLIENTS):
    clientSocket, add = serversocket.accept()
    msg = "成功连接到服务器 socket message"
    clientSocket.send(msg.encode("utf-8"))
    clientSocket.close()
print(f"已经接待了 {CLIENTS} 个客户端，教程版到此停下（教程里的 while True 会一直等下去）")
serversocket.close()
# ANCHOR_END: main
