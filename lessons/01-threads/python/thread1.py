# 第 01 课 教程版：示例 1，不带参数的线程（教程 000 §1.1.1）。
import threading


def run1():
    print("我是一个线程。。。")


# 第 1 步：创建线程对象，告诉它要运行哪个函数、叫什么名字
thread1 = threading.Thread(target=run1, name="线程1")
# 第 2 步：启动线程（Python 退出前会等它运行完）
thread1.start()
