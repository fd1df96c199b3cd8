# 第 10 课教程版：教程（004 9.20 文件上传）的服务端，照教程的写法。
# 和教程只差这几处：端口可以用第一个参数给（0 让系统挑），第一行打印真正绑定的地址；
# yuan 是当前目录下的文件夹（教程用脚本旁边的那个），没有就建一个；
# 对方走了就回去等下一个连接（教程在这里 split 出错，整个服务端退出）；
# 收文件时连续 3 次收到 0 字节就放弃（教程会一直空转）；服务满 100 个连接就停。
# 洞和教程一样：filename 直接接在 yuan 后面，../x 会写到 yuan 外面（Rust 教程版只保留文件名部分）。
import os
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8898
ip_port = ("127.0.0.1", port)
sk = socket.socket()
sk.bind(ip_port)
sk.listen(5)
print("%s:%d" % sk.getsockname())
os.makedirs("yuan", exist_ok=True)
for _ in range(100):
    print("waiting connect")
    conn, addr = sk.accept()
    while True:
        client_bytes = conn.recv(1024)
        if not client_bytes:
            break
        client_str = str(client_bytes, "utf8")
        func, file_byte_size, filename = client_str.split("|", 2)
        path = os.path.join("yuan", filename)
        has_received = 0
        file_byte_size = int(file_byte_size)
        f = open(path, "wb")
        empty = 0
        while has_received < file_byte_size:
            data = conn.recv(1024)
            if not data:
                empty += 1
                if empty == 3:
                    print("连续 3 次收到 0 字节：对方已经断开，文件只收到 %d 字节（教程会在这里一直空转）" % has_received)
                    break
            f.write(data)
            has_received += len(data)
        print("ending")
        f.close()
print("教程版服务满 100 个连接就停（教程的服务端会一直等下去）")
