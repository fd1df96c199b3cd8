# 第 10 课教程版：教程（004 9.20 文件上传）的客户端，照教程的写法。
# 和教程只差这几处：端口可以用第一个参数给；路径从当前目录算起（教程从脚本所在的目录算起）；
# 标准输入结束（EOF）时退出（教程的 input() 会抛出 EOFError）；文件在发送途中变短时停下（教程会空转）。
import os
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8898
ip_port = ("127.0.0.1", port)
sk = socket.socket()
sk.connect(ip_port)
print("客户端启动....")

while True:
    try:
        inp = input("please input:")
    except EOFError:
        break
    if inp.startswith("post"):
        method, local_path = inp.split("|", 1)
        file_byte_size = os.stat(local_path).st_size
        file_name = os.path.basename(local_path)
        post_info = "post|%s|%s" % (file_byte_size, file_name)
        sk.sendall(bytes(post_info, "utf8"))
        has_sent = 0
        file_obj = open(local_path, "rb")
        while has_sent < file_byte_size:
            data = file_obj.read(1024)
            if not data:
                print("文件在发送途中变短了（教程会在这里一直空转）")
                break
            sk.sendall(data)
            has_sent += len(data)
        file_obj.close()
        print("上传成功")
sk.close()
