# 第 01 课：有名字的线程（Python 版），与 l01-named 的输出逐行相同。
import threading


def run1():
    print("我是一个线程……（%s）" % threading.current_thread().name)


def run2(param1, param2):
    text = "我是一个线程，收到参数 %s 和 %s" % (param1, param2)
    print("%s（%s）" % (text, threading.current_thread().name))
    # Python 的 Thread 拿不回返回值，只好放进一个共享的字典里。
    results["线程2"] = len(text)


results = {}
threading.current_thread().name = "main"
print("主线程的名字：%s" % threading.current_thread().name)
thread1 = threading.Thread(target=run1, name="线程1")
thread1.start()
thread1.join()
thread2 = threading.Thread(target=run2, name="线程2", args=("123", "456"))
thread2.start()
thread2.join()
print("线程2 返回了 %d（它那句话的字符数）" % results["线程2"])
