package gatehouse.org.lib
