# 第 01 课 教程版：示例 2，带参数的线程（教程 000 §1.1.1）。
import threading


def run2(param1, param2):
    print("我是一个线程。。。" + param1)


# 参数放在 args 里，线程启动后按顺序交给 run2
thread2 = threading.Thread(target=run2, name="线程2", args=("123", "456"))
thread2.start()
