package gatehouse.org.main
